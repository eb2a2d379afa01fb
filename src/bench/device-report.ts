// Markdown for the kernel half of bench:device (bench/results/<adapter>.md): adapter, checks, the
// tuner's table against the fixed rule, matmul GFLOP/s per kernel, ops, training step.
import type { DeviceBenchResult } from './device-bench';

const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '—');

export function deviceReport(r: DeviceBenchResult): string {
  const L: string[] = [`## Our kernels (Node + Dawn): ${r.adapter}`, ''];
  L.push(`${r.quick ? 'Dry-run (quick) sizes' : 'Full sizes'}; ${(r.wallMs / 1000).toFixed(0)} s; started ${r.startedAt}.`, '');
  const bad = r.checks.filter((c) => !c.ok);
  L.push(`### Kernel checks: ${r.checks.length - bad.length} / ${r.checks.length} OK`, '');
  for (const c of bad) L.push(`- NOT OK ${c.kernel} ${c.name}: ${c.message}`);
  if (r.tune) {
    L.push('', '### Autotuner: tuned choice vs the fixed auto rule (ms per call, medians)', '');
    L.push('| family | shape | tuned | tuned ms | auto ms | tuned / auto |', '| --- | --- | --- | ---: | ---: | ---: |');
    for (const c of r.tune.compare) L.push(`| ${c.family} | ${c.shape} | ${c.tuned} | ${f(c.tunedMs, 3)} | ${f(c.autoMs, 3)} | ${f(c.ratio)}× |`);
  }
  if (r.matmul.length) {
    const kernels = [...new Set(r.matmul.flatMap((m) => Object.keys(m.gflops)))];
    L.push('', '### Matmul GFLOP/s per kernel (— = does not apply)', '');
    L.push(`| case | tuned | ${kernels.join(' | ')} |`, `| --- | --- | ${kernels.map(() => '---:').join(' | ')} |`);
    for (const m of r.matmul) L.push(`| ${m.name} | ${m.tuned} | ${kernels.map((k) => f(m.gflops[k] ?? Number.NaN, 1)).join(' | ')} |`);
  }
  if (r.ops.length) {
    L.push('', '### Attention and contrastive losses, forward + backward (ms per iteration, ours)', '');
    L.push('| case | ms |', '| --- | ---: |');
    for (const o of r.ops) L.push(`| ${o.name} | ${o.results.map((x) => f(x.msPerIter, 3)).join(', ')} |`);
  }
  if (r.train) {
    L.push('', `### Training step (${r.train.config})`, '');
    L.push('| preset | ms/step | samples/s | dispatches | error |', '| --- | ---: | ---: | ---: | --- |');
    for (const t of r.train.results) L.push(`| ${t.preset} | ${f(t.msPerStep)} | ${f(t.samplesPerSec, 0)} | ${t.dispatchesPerStep} | ${t.error ?? ''} |`);
  }
  for (const e of r.errors) L.push('', `Error: ${e}`);
  return `${L.join('\n')}\n`;
}
