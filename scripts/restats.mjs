// Recompute the summary (table, comparisons with raw and Holm p) of stored experiment results with
// today's statistics, without retraining: `node scripts/restats.mjs experiments/results/NAME.json`.
// Writes experiments/results/NAME.restats.md (the README's markdown) and prints it; the stored JSON
// is left as it is. Loads the TypeScript through Vite's module runner.
import { readFileSync, writeFileSync } from 'node:fs';
import { runnerImport } from 'vite';
import { renderMarkdown } from './report.mjs';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node scripts/restats.mjs experiments/results/NAME.json …');
  process.exit(2);
}
const { module } = await runnerImport('/src/experiment/restats.ts', { configFile: false, logLevel: 'error' });
for (const file of files) {
  const result = JSON.parse(readFileSync(file, 'utf8'));
  const summary = module.restats(result);
  const md = renderMarkdown({ ...result, summary });
  const out = file.replace(/\.json$/, '.restats.md');
  writeFileSync(out, `${md}\n`);
  console.log(`# ${file} → ${out}\n\n${md}\n`);
}
