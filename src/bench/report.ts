// Markdown tables from BenchResults (pure; used by bench/bench.spec.ts in Node).
import type { BenchResults, ImplResult, MatmulCase } from './types';

const fmt = (x: number | undefined, d = 2) => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

const opName = (c: MatmulCase) => (c.transA ? 'Aᵀ·B' : c.transB ? 'A·Bᵀ' : 'A·B');
const isOurs = (r: ImplResult) => r.impl.startsWith('ours-');

/** Best of our variants (highest GFLOP/s). */
export function bestOurs(c: MatmulCase): ImplResult | undefined {
  return c.results.filter((r) => isOurs(r) && Number.isFinite(r.gflops)).sort((a, b) => b.gflops - a.gflops)[0];
}

export function matmulTable(res: BenchResults): string {
  const all = [...new Set(res.matmul.flatMap((c) => c.results.map((r) => r.impl)))];
  const impls = [...all.filter((i) => i.startsWith('ours-')), ...all.filter((i) => !i.startsWith('ours-'))];
  const peers = impls.filter((i) => !i.startsWith('ours-'));
  const head = ['case', 'M×N×K', 'op', ...impls.map((i) => `${i} GFLOP/s`), 'best ours', 'auto picks', ...peers.map((p) => `${p} / best ours`)];
  const rows = res.matmul.map((c) => {
    const dims = `${c.M}×${c.N}×${c.K}`;
    if (c.skipped) return [c.name, dims, opName(c), ...impls.map(() => '—'), `skipped: ${c.skipped}`, c.autoPicks, ...peers.map(() => '—')];
    const best = bestOurs(c);
    const by = new Map(c.results.map((r) => [r.impl, r]));
    const cell = (i: string) => {
      const r = by.get(i);
      if (!r) return 'n/a';
      if (r.error && !Number.isFinite(r.gflops)) return 'error';
      const bad = r.maxAbsErr !== undefined && !(r.maxAbsErr < 1e-2 * Math.sqrt(c.K)) ? ' (WRONG)' : '';
      return `${fmt(r.gflops)}${bad}`;
    };
    const ratio = (p: string) => {
      const r = by.get(p);
      return r && best ? `${fmt(r.gflops / best.gflops)}×` : '—';
    };
    return [c.name, dims, opName(c), ...impls.map(cell), best?.impl.replace('ours-', '') ?? '—', c.autoPicks, ...peers.map(ratio)];
  });
  return table(head, rows);
}

export function trainTable(res: BenchResults): string {
  if (!res.train) return '';
  const rows = res.train.results.map((r) => [
    r.preset,
    r.params !== undefined ? String(r.params) : '—',
    fmt(r.msPerStep, 1),
    fmt(r.samplesPerSec, 1),
    fmt(r.dispatchesPerStep, 0),
    fmt(r.submitsPerStep, 0),
    Number.isFinite(r.spread) ? `±${fmt(100 * r.spread, 1)}%` : '—',
    r.error ? `error: ${r.error.slice(0, 80)}` : fmt(r.lastLoss, 3),
  ]);
  return table(['preset', 'params', 'ms/step', 'samples/s', 'dispatches/step', 'submits/step', 'spread (MAD)', 'loss after steps'], rows);
}

export function profileTable(res: BenchResults, top = 10): string {
  const p = res.train?.profile;
  if (!p) return '';
  const rows = p.kernels.slice(0, top).map((k) => [`\`${k.label}\``, fmt(k.msPerStep, 2), fmt(k.countPerStep, 0), `${fmt(100 * k.share, 1)}%`]);
  return table(['kernel label', 'GPU ms/step', 'dispatches/step', 'share'], rows);
}

export function markdownReport(res: BenchResults): string {
  const m = res.machine;
  const lines = [
    '## ShareLab benchmarks',
    '',
    `- Browser: ${res.userAgent}`,
    `- Adapter: ${Object.values(res.adapter).filter(Boolean).join(' / ') || 'unknown'}; features: ${res.features.join(', ') || 'none'}`,
    m ? `- Host: ${m.cpus} CPUs (${m.cpuModel}), ${m.platform}, Node ${m.node}` : '',
    `- Peers: tfjs ${res.peers.tfjs.backend}${res.peers.tfjs.error ? ` (${res.peers.tfjs.error})` : ''}; onnxruntime-web ${res.peers.ort.version} EP **${res.peers.ort.ep}**, I/O ${res.peers.ort.io}${res.peers.ort.error ? ` (${res.peers.ort.error})` : ''}`,
    `- Median of ${res.reps} interleaved repetitions after warm-up; total ${(res.wallMs / 1000).toFixed(0)} s`,
    ...res.notes.map((n) => `- Note: ${n}`),
    '',
  ];
  if (res.matmul.length) lines.push('### Matmul (GFLOP/s; ratio > 1 means the peer is faster)', '', matmulTable(res), '');
  if (res.train) {
    lines.push(`### Training step — ${res.train.config}`, '', trainTable(res), '');
    if (res.train.profile) {
      const p = res.train.profile;
      lines.push(`### GPU time per kernel — ${p.preset}, ${p.steps} steps, ${fmt(p.totalGpuMsPerStep, 1)} GPU ms/step (${p.note})`, '', profileTable(res), '');
    }
  }
  return lines.filter((l, i) => l !== '' || lines[i - 1] !== '').join('\n');
}
