// npm run bench (first cut): what a citizen downloads, against the budget. The main-thread,
// per-event and collector-ingest benchmarks of the benchmarks issue build on this script.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { ROOT } from './lib.mjs';

/** Total brotli bytes a citizen may download with the overlay off. Lower it as we win. */
export const BUDGET_BROTLI_BYTES = 40 * 1024;

const sizes = JSON.parse(readFileSync(join(ROOT, 'dist', 'sizes.json'), 'utf8'));
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const rows = Object.entries(sizes.files).map(
  ([part, s]) => `| ${part} | \`${s.file}\` | ${kb(s.raw)} | ${kb(s.gzip)} | ${kb(s.brotli)} |`,
);
const within = sizes.total.brotli <= BUDGET_BROTLI_BYTES;
const report = `# journey-probe benchmarks

Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model?.trim() || 'unknown CPU'}, Node ${process.version}.

## Download size (overlay off)

| part | file | raw | gzip | brotli |
|---|---|---:|---:|---:|
${rows.join('\n')}
| **total** | | ${kb(sizes.total.raw)} | ${kb(sizes.total.gzip)} | **${kb(sizes.total.brotli)}** |

Budget: ${kb(BUDGET_BROTLI_BYTES)} brotli in total — ${within ? 'within budget' : '**over budget**'}
(${((sizes.total.brotli / BUDGET_BROTLI_BYTES) * 100).toFixed(0)}% of it).
`;
mkdirSync(join(ROOT, 'bench'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'RESULTS.md'), report);
console.log(report);
process.exit(within ? 0 : 1);
