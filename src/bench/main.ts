// Benchmark page (bench.html): our matmul kernels vs tfjs-webgpu and onnxruntime-web, and full
// training steps per sharing preset, all in this one page. Query: ?suite=all|matmul|train,
// ?reps=5, ?quick=1 (a few shapes, for smoke tests), ?squares=64,128,… . When finished,
// window.__benchResults holds the results (read by bench/bench.spec.ts).
import { acquireDevice } from '../gpu/device';
import { Gpu } from '../gpu/runtime';
import { type CaseSpec, SQUARE_CASES, TRAIN_CASES, benchMatmulCase } from './matmul-bench';
import { type OrtState, initTfjs, ortVersion, probeOrt } from './peers';
import { benchTraining } from './train-bench';
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
  const suite = q.get('suite') ?? 'all';
  const reps = Math.max(5, Number(q.get('reps') ?? 5));
  const quick = q.get('quick') === '1';
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
    notes: [],
    peers: { tfjs: { backend: 'none' }, ort: { ep: 'none', io: 'none', version: 'unknown' } },
    matmul: [],
  };
  if (!caps.features.has('timestamp-query')) res.notes.push('no timestamp-query on this adapter: no GPU kernel times (Profiler off)');

  if (suite === 'all' || suite === 'matmul') {
    let tfjsOk = false;
    try {
      res.peers.tfjs.backend = await initTfjs();
      tfjsOk = true;
    } catch (e) {
      res.peers.tfjs.error = String(e);
    }
    log(`tfjs: ${res.peers.tfjs.backend} ${res.peers.tfjs.error ?? ''}`);
    let ort: OrtState | null = null;
    try {
      ort = await probeOrt();
      res.peers.ort = { ep: ort.ep, io: ort.io, version: ortVersion(), error: ort.error };
    } catch (e) {
      res.peers.ort.error = String(e);
    }
    log(`ort: ${JSON.stringify(res.peers.ort)}`);

    const squares = (q.get('squares') ?? (quick ? '64,128' : '64,128,256,512,1024,2048')).split(',').map(Number);
    const cases: CaseSpec[] = [
      ...(quick ? TRAIN_CASES.filter((_, i) => i % 3 === 0) : TRAIN_CASES),
      ...SQUARE_CASES.filter((c) => squares.includes(c.M)),
    ];
    let slowMsPerFlop: number | null = null;
    for (const spec of cases) {
      // Only squares ≥ 1024 may be skipped, estimated from the previous square's slowest implementation.
      const guard = spec.group === 'square' && spec.M >= 1024 ? slowMsPerFlop : null;
      const r: MatmulCase = await benchMatmulCase(spec, { gpu, ort, tfjs: tfjsOk, reps, sampleMs: 25, caseBudgetMs: 60_000, log }, guard);
      res.matmul.push(r);
      if (r.skipped) log(`${spec.name}: skipped (${r.skipped})`);
      if (spec.group === 'square' && !r.skipped) {
        const slowest = Math.max(...r.results.filter((x) => Number.isFinite(x.msPerOp)).map((x) => x.msPerOp));
        slowMsPerFlop = slowest / (2 * spec.M * spec.N * spec.K);
      }
    }
  }

  if (suite === 'all' || suite === 'train') {
    res.train = await benchTraining({
      gpu,
      reps,
      batchSize: 32,
      presets: quick ? ['separate', 'shared-all'] : undefined,
      profilePreset: 'shared-except-ln',
      profileSteps: 3,
      log,
    });
  }
  res.wallMs = performance.now() - t0;
  log(`done in ${(res.wallMs / 1000).toFixed(0)} s`);
  window.__benchResults = res;
}

main().catch((e) => {
  log(`FAILED: ${String(e)}`);
  window.__benchError = e instanceof Error ? `${e.message}\n${e.stack}` : String(e);
});
