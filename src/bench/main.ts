// Benchmark page (bench.html): our kernels vs tfjs-webgpu and onnxruntime-web, our training step per
// sharing preset (and the same step in tfjs-webgpu), and a soak test, all in this one page.
// Query: ?suite=all | a comma list of tune, matmul, ops, train, soak (tune: the autotuner on the bench shapes,
// tuned vs fixed auto; ?retune=1 ignores a stored table);  ?quick=1 (a few shapes, short soak);
// ?reps=5;  ?squares=64,128,…;  ?cases=<substr,…> (matmul case filter);  ?kernels=vec4,… (our matmul
// kernels to time);  ?peers=0 (no tfjs / onnxruntime);  ?maxB=4096 (largest contrastive batch: 16384
// takes ~15 min per forward+backward of ours on a 2-core SwiftShader machine);  ?ops=<substr,…> (op filter);
// ?soakSteps=2000&soakEvery=100.  When finished, window.__benchResults holds the results (read by
// bench/matmul-train.bench.ts).
import { acquireDevice } from '../gpu/device';
import { Gpu } from '../gpu/runtime';
import { type CaseSpec, SQUARE_CASES, TRAIN_CASES, benchMatmulCase, benchRowSumFusion } from './matmul-bench';
import { benchOpCase, opCases, opName } from './ops-bench';
import { type OrtState, initTfjs, ortVersion, probeOrt } from './peers';
import { soak } from './soak';
import { benchTraining } from './train-bench';
import { benchTuner } from './tune-bench';
import type { BenchResults, MatmulCase } from './types';

declare global {
  interface Window {
    __benchResults?: BenchResults;
    __benchError?: string;
  }
}

const logEl = document.getElementById('log');
function log(s: string) {
  if (logEl) logEl.textContent += `\n${s}`;
  console.log(`[bench] ${s}`);
}

async function main() {
  const q = new URLSearchParams(location.search);
  const suites = new Set((q.get('suite') ?? 'all').split(','));
  const want = (s: string) => suites.has('all') || suites.has(s);
  const reps = Math.max(3, Number(q.get('reps') ?? 5));
  const quick = q.get('quick') === '1';
  const peers = q.get('peers') !== '0';
  const t0 = performance.now();

  const adapter = await navigator.gpu?.requestAdapter({ powerPreference: 'high-performance' });
  const info = (adapter as { info?: GPUAdapterInfo } | null)?.info;
  const { device, caps } = await acquireDevice();
  const gpu = new Gpu(device, { caps });
  const res: BenchResults = {
    userAgent: navigator.userAgent,
    adapter: info ? { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description } : {},
    features: [...caps.features],
    startedAt: new Date().toISOString(),
    wallMs: 0,
    reps,
    quick,
    notes: [],
    peers: { tfjs: { backend: 'none' }, ort: { ep: 'none', io: 'none', version: 'unknown' } },
    matmul: [],
  };
  if (!caps.features.has('timestamp-query')) res.notes.push('no timestamp-query on this adapter: no GPU kernel times (Profiler off)');

  let tfjsOk = false;
  if (peers && (want('matmul') || want('ops') || want('train'))) {
    try {
      res.peers.tfjs.backend = await initTfjs();
      tfjsOk = true;
    } catch (e) {
      res.peers.tfjs.error = String(e);
    }
    log(`tfjs: ${res.peers.tfjs.backend} ${res.peers.tfjs.error ?? ''}`);
  }

  if (want('tune')) {
    const budgetMs = q.get('tuneBudgetMs') ? Number(q.get('tuneBudgetMs')) : undefined; // default 60 s
    const families = q.get('tuneFamilies')?.split(','); // e.g. attention,siglip
    res.tune = await benchTuner(gpu, { quick, reps, force: q.get('retune') === '1', budgetMs, families, log });
  }

  if (want('matmul')) {
    let ort: OrtState | null = null;
    if (peers) {
      try {
        ort = await probeOrt();
        res.peers.ort = { ep: ort.ep, io: ort.io, version: ortVersion(), error: ort.error };
      } catch (e) {
        res.peers.ort.error = String(e);
      }
      log(`ort: ${JSON.stringify(res.peers.ort)}`);
    }
    const squares = (q.get('squares') ?? (quick ? '64,128' : '64,128,256,512,1024,2048')).split(',').map(Number);
    const only = q.get('cases');
    const cases: CaseSpec[] = [
      ...(quick ? TRAIN_CASES.filter((_, i) => i < 9) : TRAIN_CASES),
      ...SQUARE_CASES.filter((c) => squares.includes(c.M)),
    ].filter((c) => !only || only.split(',').some((x) => c.name.includes(x)));
    const kernels = q.get('kernels')?.split(',');
    let prev: Map<string, number> | null = null;
    for (const spec of cases) {
      // Squares ≥ 1024 leave out implementations too slow for the budget, estimated from the previous square.
      const guard = spec.group === 'square' && spec.M >= 1024 ? prev : null;
      const r: MatmulCase = await benchMatmulCase(spec, { gpu, ort, tfjs: tfjsOk, kernels, reps, sampleMs: 25, caseBudgetMs: 60_000, log }, guard);
      res.matmul.push(r);
      if (r.skipped) log(`${spec.name}: skipped (${r.skipped})`);
      if (spec.group === 'square' && !r.skipped) {
        const flops = 2 * spec.M * spec.N * spec.K;
        prev = new Map([...(prev ?? []), ...r.results.filter((x) => Number.isFinite(x.msPerOp)).map((x) => [x.impl, x.msPerOp / flops] as [string, number])]);
      }
    }
    res.fusion = await benchRowSumFusion(gpu, cases, reps, log);
  }

  if (want('ops')) {
    res.ops = [];
    const maxB = Number(q.get('maxB') ?? 4096);
    const onlyOps = q.get('ops')?.split(',');
    // ms per iteration of ours at the last B of each loss, to estimate the next (cost ∝ B²).
    const last = new Map<string, { B: number; ms: number }>();
    for (const spec of opCases(quick, maxB).filter((s) => !onlyOps || onlyOps.some((x) => opName(s).includes(x)))) {
      const prev = last.get(spec.op);
      const estimateMs = prev && spec.op !== 'attention' ? prev.ms * (spec.B / prev.B) ** 2 : undefined;
      const r = await benchOpCase(spec, { gpu, tfjs: tfjsOk, reps, sampleMs: 50, tfjsMaxBytes: 3 * 2 ** 30, estimateMs, log });
      res.ops.push(r);
      const ours = r.results.find((x) => x.impl === 'ours');
      if (ours && Number.isFinite(ours.msPerIter)) last.set(spec.op, { B: spec.B, ms: ours.msPerIter });
    }
  }

  if (want('train')) {
    res.train = await benchTraining({
      gpu,
      reps,
      batchSize: 32,
      presets: quick ? ['separate', 'shared-all'] : undefined,
      profilePreset: 'shared-except-ln',
      profileSteps: 3,
      peerPresets: tfjsOk ? (quick ? ['separate'] : ['separate', 'shared-all']) : undefined,
      peerReps: quick ? 3 : reps,
      log,
    });
  }

  if (want('soak')) {
    const steps = Number(q.get('soakSteps') ?? (quick ? 300 : 2000));
    const every = Number(q.get('soakEvery') ?? (quick ? 25 : 100));
    res.soak = await soak({ gpu, steps, sampleEvery: every, batchSize: 8, log });
  }

  res.wallMs = performance.now() - t0;
  log(`done in ${(res.wallMs / 1000).toFixed(0)} s`);
  window.__benchResults = res;
}

main().catch((e) => {
  log(`FAILED: ${String(e)}`);
  window.__benchError = e instanceof Error ? `${e.message}\n${e.stack}` : String(e);
});
