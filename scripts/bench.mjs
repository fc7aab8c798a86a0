// npm run bench (first cut): what a citizen downloads, against the budget. The main-thread,
// per-event and collector-ingest benchmarks of the benchmarks issue build on this script.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { ROOT } from './lib.mjs';
import { benchFields } from './bench-fields.mjs';

/** Total brotli bytes a citizen may download with the overlay off. Lower it as we win. */
export const BUDGET_BROTLI_BYTES = 40 * 1024;

const sizes = JSON.parse(readFileSync(join(ROOT, 'dist', 'sizes.json'), 'utf8'));
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const rows = Object.entries(sizes.files).map(
  ([part, s]) => `| ${part} | \`${s.file}\` | ${kb(s.raw)} | ${kb(s.gzip)} | ${kb(s.brotli)} |`,
);
const within = sizes.total.brotli <= BUDGET_BROTLI_BYTES;
console.log('measuring the field handling on a 2,000-field page (A/B, this takes a minute)…');
const f = await benchFields();
const ms = (x) => `${x.median.toFixed(1)} ms (${x.min.toFixed(1)}–${x.max.toFixed(1)})`;
const report = `# journey-probe benchmarks

Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model?.trim() || 'unknown CPU'}, Node ${process.version}.

## Download size (overlay off)

| part | file | raw | gzip | brotli |
|---|---|---:|---:|---:|
${rows.join('\n')}
| **total** | | ${kb(sizes.total.raw)} | ${kb(sizes.total.gzip)} | **${kb(sizes.total.brotli)}** |

Budget: ${kb(BUDGET_BROTLI_BYTES)} brotli in total — ${within ? 'within budget' : '**over budget**'}
(${((sizes.total.brotli / BUDGET_BROTLI_BYTES) * 100).toFixed(0)}% of it).

## Field handling on a 2,000-field page (no CPU throttling)

\`tests/e2e/fields/pages/many.html\` (20 forms × 100 fields), with and without the probe's tag,
alternated over ${f.runs} runs each; the citizen types ${f.keys} characters into the last field.
Main-thread script time while typing (CDP \`ScriptDuration\`), median (min–max):

| page | script time for ${f.keys} keystrokes |
|---|---:|
| without the probe | ${ms(f.baseMs)} |
| with the probe | ${ms(f.probeMs)} |
| **the probe's cost per keystroke** | **${f.perKeyUs.toFixed(1)} µs** |

Start-up of the probe (\`start()\`: every one of the 2,000 fields found, classified and
listened to): ${ms(f.startupMs)}. From the loader running to the probe started (glue and wasm
fetched on loopback, compiled, instantiated, and the page parsed): ${ms(f.loadMs)}.
`;
mkdirSync(join(ROOT, 'bench'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'RESULTS.md'), report);
console.log(report);
process.exit(within ? 0 : 1);
