// Profiling aid: builds js/ over a fixed wasm-bindgen stage into a directory of its own (see
// scripts/profile-lib.mjs), for A/B runs of scripts/profile-journey.mjs.
//   node scripts/profile-build.mjs OUT_DIR [STAGE_DIR] [--readable] [--js JS_DIR]
import { buildVariant } from './profile-lib.mjs';

const argv = process.argv.slice(2);
const js = argv.includes('--js') ? argv[argv.indexOf('--js') + 1] : undefined;
const [out, stage] = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--js');
console.log(JSON.stringify(await buildVariant(out, stage, { readable: argv.includes('--readable'), ...(js ? { js } : {}) })));
