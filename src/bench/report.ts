// Markdown tables from BenchResults (pure; used by bench/matmul-train.bench.ts in Node).
// Speed-ups are "peer time / our time": > 1 means ours is faster.
import type { BenchResults, ImplResult, MatmulCase, OpCaseResult } from './types';

const fmt = (x: number | undefined | null, d = 2) => (x === undefined || x === null || !Number.isFinite(x) ? '—' : x.toFixed(d));
const mib = (b: number | undefined | null) => (b === undefined || b === null || !Number.isFinite(b) ? '—' : (b / 2 ** 20).toFixed(b < 2 ** 20 ? 3 : 1));

/** Matmul speed-up target (issue 8): ours ≥ 1.5× each peer on the training shapes. */
export const MATMUL_TARGET = 1.5;
/** Training-step target: ours ≥ 3× the tfjs-webgpu step. */
export const STEP_TARGET = 3;

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

const opName = (c: MatmulCase) => (c.transA ? 'Aᵀ·B' : c.transB ? 'A·Bᵀ' : 'A·B');
const isOurs = (r: ImplResult) => r.impl.startsWith('ours-');

/** Best of our variants (highest GFLOP/s). */
export function bestOurs(c: MatmulCase): ImplResult | undefined {
  return c.results.filter((r) => isOurs(r) && Number.isFinite(r.gflops)).sort((a, b) => b.gflops - a.gflops)[0];
}

/** The kernel the training uses for this case ('auto'). */
export function autoResult(c: MatmulCase): ImplResult | undefined {
  return c.results.find((r) => r.impl === `ours-${c.autoPicks}`);
}

export function geomean(xs: readonly number[]): number {
  const v = xs.filter((x) => Number.isFinite(x) && x > 0);
  return v.length ? Math.exp(v.reduce((s, x) => s + Math.log(x), 0) / v.length) : Number.NaN;
}

/** Speed-up of our auto kernel over `peer` per case (NaN where either is missing). */
export function matmulSpeedups(res: BenchResults, peer: string, group?: 'train' | 'square'): number[] {
  return res.matmul
    .filter((c) => !c.skipped && (!group || c.group === group))
    .map((c) => {
      const a = autoResult(c);
      const p = c.results.find((r) => r.impl === peer);
      return a && p ? a.gflops / p.gflops : Number.NaN;
    });
}

const peerNames = (res: BenchResults) => [...new Set(res.matmul.flatMap((c) => c.results.map((r) => r.impl)))].filter((i) => !i.startsWith('ours-'));

export function matmulTable(res: BenchResults): string {
  const all = [...new Set(res.matmul.flatMap((c) => c.results.map((r) => r.impl)))];
  const ours = all.filter((i) => i.startsWith('ours-'));
  const peers = peerNames(res);
  const head = ['case', 'M×N×K', 'op', ...ours.map((i) => i.replace('ours-', '')), ...peers, 'auto picks', ...peers.map((p) => `auto vs ${p}`)];
  const rows = res.matmul.map((c) => {
    const dims = `${c.M}×${c.N}×${c.K}`;
    if (c.skipped) return [c.name, dims, opName(c), ...[...ours, ...peers].map(() => '—'), `skipped: ${c.skipped}`, ...peers.map(() => '—')];
    const auto = autoResult(c);
    const best = bestOurs(c);
    const by = new Map(c.results.map((r) => [r.impl, r]));
    const cell = (i: string) => {
      const r = by.get(i);
      if (!r) return c.skippedImpls?.some((x) => x.startsWith(`${i} `)) ? 'over budget' : 'n/a';
      if (r.error && !Number.isFinite(r.gflops)) return 'error';
      const bad = r.maxAbsErr !== undefined && !(r.maxAbsErr < 1e-2 * Math.sqrt(c.K)) ? ' (WRONG)' : '';
      const mark = r === best ? '**' : '';
      return `${mark}${fmt(r.gflops)}${mark}${bad}`;
    };
    const ratio = (p: string) => {
      const r = by.get(p);
      if (!r || !auto) return '—';
      const s = auto.gflops / r.gflops;
      return `${fmt(s)}×${c.group === 'train' && s < MATMUL_TARGET ? ' ✗' : ''}`;
    };
    return [c.name, dims, opName(c), ...ours.map(cell), ...peers.map(cell), c.autoPicks, ...peers.map(ratio)];
  });
  const notes = res.matmul.filter((c) => c.skippedImpls?.length).map((c) => `- ${c.name}: left out (estimated time over budget): ${c.skippedImpls?.join(', ')}`);
  return [table(head, rows), ...(notes.length ? ['', ...notes] : [])].join('\n');
}

export function matmulSummary(res: BenchResults): string {
  const lines: string[] = [];
  for (const p of peerNames(res)) {
    const s = matmulSpeedups(res, p, 'train');
    const ok = s.filter((x) => x >= MATMUL_TARGET).length;
    const sq = matmulSpeedups(res, p, 'square');
    lines.push(
      `- auto vs ${p}: training shapes geometric-mean speed-up ${fmt(geomean(s))}× (min ${fmt(Math.min(...s.filter(Number.isFinite)))}×), ${ok}/${s.length} at ≥ ${MATMUL_TARGET}×; squares ${fmt(geomean(sq))}×`,
    );
  }
  return lines.join('\n');
}

function fusionTable(res: BenchResults): string {
  const rows = (res.fusion ?? []).map((f) => [f.name, `${f.M}×${f.N}×${f.K}`, fmt(f.separateMs, 2), fmt(f.fusedMs, 2), `${fmt(f.separateMs / f.fusedMs)}×`]);
  return table(['case', 'M×N×K', 'vec4tn + sumRows ms', 'vec4tn with fused row sums ms', 'speed-up'], rows);
}

function opsTable(ops: OpCaseResult[]): string {
  const rows = ops.map((c) => {
    const ours = c.results.find((r) => r.impl === 'ours');
    const tfr = c.results.find((r) => r.impl === 'tfjs-webgpu');
    const ms = (r: typeof ours) => (!r ? '—' : r.skipped ? r.skipped : r.error ? `error: ${r.error.slice(0, 60)}` : fmt(r.msPerIter, 1));
    const diff = tfr?.maxAbsDiffVsOurs ? Math.max(...Object.values(tfr.maxAbsDiffVsOurs)) : undefined;
    return [
      `${c.name}${c.note ? ` (${c.note})` : ''}`,
      ms(ours),
      fmt(ours?.gflops),
      ms(tfr),
      ours && tfr && Number.isFinite(tfr.msPerIter) ? `${fmt(tfr.msPerIter / ours.msPerIter)}×` : '—',
      mib(ours?.peakBytes),
      mib(tfr?.peakBytes),
      mib(tfr?.poolBytes),
      diff === undefined ? '—' : diff.toExponential(1),
    ];
  });
  return table(['case (forward + backward)', 'ours ms', 'ours GFLOP/s', 'tfjs ms', 'speed-up vs tfjs', 'ours peak MiB', 'tfjs peak MiB (live tensors)', 'tfjs pool MiB', 'max |tfjs − ours|'], rows);
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

export function peerTable(res: BenchResults): string {
  const peers = res.train?.peers;
  if (!peers?.length) return '';
  const rows = peers.map((p) => [
    p.preset,
    fmt(p.oursMsPerStep, 0),
    p.error ? `error: ${p.error.slice(0, 80)}` : fmt(p.msPerStep, 0),
    `**${fmt(p.speedup)}×** ${p.speedup >= STEP_TARGET ? '(target met)' : `(target ${STEP_TARGET}× not met)`}`,
    p.firstLoss ? `${fmt(p.firstLoss.ours, 5)} / ${fmt(p.firstLoss.peer, 5)}` : '—',
    p.paramsMaxAbsDiff !== undefined ? `${p.paramsMaxAbsDiff.toExponential(1)} (${p.steps} steps)` : '—',
    fmt(p.kernelsPerStep, 0),
    p.memory ? `${mib(p.memory.oursBytes)} / ${mib(p.memory.peerPeakBytes)} / ${mib(p.memory.peerPoolBytes)}` : '—',
  ]);
  return table(['preset', 'ours ms/step', 'tfjs ms/step', 'speed-up', 'first-step loss ours / tfjs', 'params max abs diff after', 'tfjs kernels/step', 'MiB: ours buffers / tfjs peak live / tfjs pool'], rows);
}

export function profileTable(res: BenchResults, top = 12): string {
  const p = res.train?.profile;
  if (!p) return '';
  const rows = p.kernels.slice(0, top).map((k) => [`\`${k.label}\``, fmt(k.msPerStep, 2), fmt(k.countPerStep, 0), `${fmt(100 * k.share, 1)}%`]);
  return table(['kernel label', 'GPU ms/step', 'dispatches/step', 'share'], rows);
}

export function soakTables(res: BenchResults): string {
  const s = res.soak;
  if (!s) return '';
  const summary = [
    `- ${s.steps} steps of ${s.config}, sampled every ${s.sampleEvery} steps; warm-up = first ${s.warmupSteps} steps; ${fmt(s.wallMs / 1000, 0)} s`,
    `- After warm-up: GPU buffers created **${s.gpuBytesGrowth} bytes**, activation reserve ${s.activationBytesGrowth >= 0 ? '+' : ''}${s.activationBytesGrowth} bytes, JS heap ${s.jsHeapGrowthBytes === null ? 'n/a' : `${s.jsHeapGrowthBytes >= 0 ? '+' : ''}${fmt(s.jsHeapGrowthBytes / 2 ** 20, 3)} MiB`} (slope ${fmt(s.jsHeapSlopeBytesPerStep, 1)} bytes/step)`,
    `- ms/step: ${fmt(s.msPerStepFirst, 1)} after warm-up, ${fmt(s.msPerStepLast, 1)} at the end`,
    ...(s.note ? [`- Note: ${s.note}`] : []),
  ].join('\n');
  const every = Math.max(1, Math.ceil(s.samples.length / 12));
  const picked = s.samples.filter((_, i) => i % every === 0 || i === s.samples.length - 1);
  const rows = picked.map((x) => [String(x.step), mib(x.gpuBytesCreated), mib(x.activationBytes), String(x.pipelines), mib(x.jsHeapBytes), fmt(x.msPerStep, 1), fmt(x.loss, 3)]);
  return `${summary}\n\n${table(['step', 'GPU MiB created since start', 'activations MiB', 'pipelines', 'JS heap MiB', 'ms/step', 'loss'], rows)}`;
}

/** "HeadlessChrome/156.0.0.0" → "Chromium 156.0.0.0 (headless)". */
export function browserName(ua: string): string {
  const m = /(HeadlessChrome|Chrome|Chromium)\/([\d.]+)/.exec(ua);
  return m ? `Chromium ${m[2]}${m[1] === 'HeadlessChrome' ? ' (headless)' : ''}` : ua;
}

export function markdownReport(res: BenchResults): string {
  const m = res.machine;
  const lines = [
    '## ShareLab benchmarks',
    '',
    `- Browser: ${browserName(res.userAgent)} — ${res.userAgent}`,
    `- Adapter: ${Object.values(res.adapter).filter(Boolean).join(' / ') || 'unknown'}${/swiftshader/i.test(JSON.stringify(res.adapter)) ? ' (SwiftShader: WebGPU on the CPU, no GPU)' : ''}; features: ${res.features.join(', ') || 'none'}`,
    m ? `- Host: ${m.cpus} CPUs (${m.cpuModel}), ${m.platform}, Node ${m.node}${m.memGiB ? `, ${m.memGiB} GiB RAM` : ''}${m.load ? `; load average at start ${m.load}` : ''}` : '',
    `- Peers: tfjs ${res.peers.tfjs.backend}${res.peers.tfjs.error ? ` (${res.peers.tfjs.error})` : ''}; onnxruntime-web ${res.peers.ort.version} EP **${res.peers.ort.ep}**, I/O ${res.peers.ort.io}${res.peers.ort.error ? ` (${res.peers.ort.error})` : ''}`,
    `- Median of ${res.reps} interleaved repetitions after warm-up${res.quick ? ' (quick mode)' : ''}; total ${(res.wallMs / 1000).toFixed(0)} s. Speed-up = peer time / our time (> 1: ours faster).`,
    ...res.notes.map((n) => `- Note: ${n}`),
    '',
  ];
  if (res.matmul.length) {
    lines.push('### Matmul (GFLOP/s; bold = our fastest kernel; "auto" = the kernel training uses)', '', matmulTable(res), '', matmulSummary(res), '');
  }
  if (res.fusion?.length) lines.push('### Epilogue fusion: weight gradient + bias gradient (matmul rowSums option)', '', fusionTable(res), '');
  if (res.ops?.length) lines.push('### Attention and contrastive losses, forward + backward', '', opsTable(res.ops), '');
  if (res.train) {
    lines.push(`### Training step — ${res.train.config}`, '', trainTable(res), '');
    if (res.train.peers?.length) lines.push(`### Training step vs the same step in tfjs-webgpu (target ≥ ${STEP_TARGET}×)`, '', peerTable(res), '');
    if (res.train.profile) {
      const p = res.train.profile;
      lines.push(`### GPU time per kernel — ${p.preset}, ${p.steps} steps, ${fmt(p.totalGpuMsPerStep, 1)} GPU ms/step (${p.note})`, '', profileTable(res), '');
    }
  }
  if (res.tune) lines.push('### Autotuner (tuned choice vs the fixed auto rule)', '', tuneTable(res), '');
  if (res.soak) lines.push('### Soak test', '', soakTables(res), '');
  return lines.filter((l, i) => l !== '' || lines[i - 1] !== '').join('\n');
}

/** One row per tuned shape: the variant the tuner chose, its time and the fixed auto rule's (ms per call). */
export function tuneTable(res: BenchResults): string {
  const t = res.tune;
  if (!t) return '';
  const head = `Tuning ${t.reused ? 'reused the stored table' : `took ${(t.tookMs / 1000).toFixed(1)} s`}; times are medians of interleaved repetitions.`;
  const rows = t.compare.map((r) => `| ${r.family} | ${r.shape} | ${r.tuned} | ${r.tunedMs.toFixed(3)} | ${r.autoMs.toFixed(3)} | ${r.ratio.toFixed(2)}× |`);
  return [head, '', '| family | shape | tuned | tuned ms | auto ms | tuned / auto |', '| --- | --- | --- | ---: | ---: | ---: |', ...rows].join('\n');
}
