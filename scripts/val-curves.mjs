// The validation curves of stored experiment results as a markdown table: per preset, the mean validation loss
// over its seeds at each evaluation step, and the drop over the last evaluation interval (is it flat yet?).
//   node scripts/val-curves.mjs experiments/results/NAME.json [--every K]   (K: keep every K-th evaluation column)
// Reads each run's `evals` ({ step, valLoss }); runs that did not finish (status ≠ done) are left out, and the
// table says how many seeds each row averages.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const at = args.indexOf('--every');
const every = at >= 0 ? Number(args.splice(at, 2)[1]) : 1;
if (args.length !== 1 || !Number.isInteger(every) || every < 1) {
  console.error('usage: node scripts/val-curves.mjs experiments/results/NAME.json [--every K]');
  process.exit(2);
}
const result = JSON.parse(readFileSync(args[0], 'utf8'));
/** preset → step → validation losses of its seeds at that step. */
const byPreset = new Map();
for (const run of result.runs ?? []) {
  if (run.status !== 'done') continue;
  const steps = byPreset.get(run.preset) ?? new Map();
  for (const e of run.evals ?? []) steps.set(e.step, [...(steps.get(e.step) ?? []), e.valLoss]);
  byPreset.set(run.preset, steps);
}
if (byPreset.size === 0) {
  console.error(`${args[0]}: no finished run with validation evaluations`);
  process.exit(1);
}
const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
/** Three decimals, without a "-0.000" for a drop that rounds to nothing. */
const fmt = (x) => (Math.abs(x) < 5e-4 ? 0 : x).toFixed(3);
const allSteps = [...new Set([...byPreset.values()].flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
const last = allSteps.length - 1;
// Every K-th column counted back from the last step, so the final evaluation is always shown.
const shown = allSteps.filter((_, i) => (last - i) % every === 0);
const lines = [
  `| preset | seeds | ${shown.map((s) => `step ${s}`).join(' | ')} | drop over steps ${allSteps[last - 1] ?? '–'}–${allSteps[last]} |`,
  `|---|---|${shown.map(() => '---|').join('')}---|`,
];
for (const [preset, steps] of byPreset) {
  const m = (s) => (steps.has(s) ? mean(steps.get(s)) : Number.NaN);
  const seeds = Math.max(...[...steps.values()].map((v) => v.length));
  const drop = last > 0 ? m(allSteps[last - 1]) - m(allSteps[last]) : Number.NaN;
  lines.push(`| ${preset} | ${seeds} | ${shown.map((s) => fmt(m(s))).join(' | ')} | ${fmt(drop)} |`);
}
console.log(lines.join('\n'));
