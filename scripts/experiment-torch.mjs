// `npm run experiment -- X.json --engine torch`: the same experiment through the PyTorch twin.
//  1. prepare (Node, the browser's TypeScript via vite's SSR loader): DIR/plan.json + DIR/data.safetensors, the
//     worker's own dataset tensors and each run's config (src/experiment/torch-data.ts);
//  2. train (Python, no Node needed): one `python -m sharelab_torch.experiment DIR --run ID` process per run
//     (DDP with --nproc N), progress parsed from its log;
//  3. collect (Node): every metric from the twin's validation embeddings with the browser's code
//     (src/experiment/torch-collect.ts), then the same summary (Multi-Bootstrap) as the browser engine.
// A GPU machine without Node runs step 2 alone: --prepare-only here, copy DIR, run python there, copy DIR back,
// then --collect DIR here (bench/device/torch-study.sh).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServer } from 'vite';

export const PYTHON = process.env.SHARELAB_PYTHON || (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

/** The browser's TypeScript modules in Node (pure code: data generation, metrics, statistics). */
async function loadTs() {
  const server = await createServer({ server: { hmr: false, watch: null, middlewareMode: true }, appType: 'custom', logLevel: 'warn' });
  const load = (p) => server.ssrLoadModule(p);
  const [data, collect, spec, summarize] = await Promise.all([
    load('/src/experiment/torch-data.ts'),
    load('/src/experiment/torch-collect.ts'),
    load('/src/experiment/spec.ts'),
    load('/src/experiment/summarize.ts'),
  ]);
  return { data, collect, spec, summarize, close: () => server.close() };
}

const fmtTime = (s) => (s < 90 ? `${s.toFixed(0)} s` : s < 5400 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(1)} h`);

/** One run's Python process; resolves with its exit code. `onStep(step)` on every logged step. */
function trainRun(dir, run, opts, onStep) {
  const args = ['-m', 'sharelab_torch.experiment', dir, '--run', run.id, '--device', opts.device, '--nproc', String(opts.nproc)];
  if (opts.threads) args.push('--threads', String(opts.threads));
  if (opts.amp && opts.amp !== 'none') args.push('--amp', opts.amp);
  const env = { ...process.env, PYTHONPATH: [path.resolve('python'), process.env.PYTHONPATH].filter(Boolean).join(path.delimiter) };
  return new Promise((resolve) => {
    const child = spawn(PYTHON, args, { env, stdio: ['ignore', 'inherit', 'pipe'] });
    let buf = '';
    let tail = '';
    child.stderr.on('data', (chunk) => {
      buf += chunk;
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) {
        const m = /\[sharelab\] step (\d+)\/(\d+) loss (\S+)/.exec(l);
        if (m) onStep(Number(m[1]), Number(m[3]));
        else if (l.trim()) tail = `${tail}\n${l}`.slice(-4000);
      }
    });
    child.on('close', (code) => {
      if (code !== 0) console.error(`  [torch] ${run.id} failed (exit ${code}):${tail}`);
      resolve(code ?? 1);
    });
  });
}

/** Train every planned run, one process per run, printing runs done / total, steps/s and the ETA. */
async function trainAll(dir, plan, opts) {
  const total = plan.runs.reduce((n, r) => n + r.hyper.steps, 0);
  let done = 0;
  const t0 = Date.now();
  for (const [i, run] of plan.runs.entries()) {
    let tr = 0; // time of the first logged step: the rate leaves out Python's start and the data upload
    let first = 0;
    let last = 0;
    const code = await trainRun(dir, run, opts, (step, loss) => {
      done += step - last;
      last = step;
      const el = (Date.now() - t0) / 1000;
      if (!tr) [tr, first] = [Date.now(), step];
      const sps = step > first ? (step - first) / Math.max(1e-3, (Date.now() - tr) / 1000) : Number.NaN;
      const eta = (el / done) * (total - done);
      console.log(`[torch] run ${i + 1}/${plan.runs.length} ${run.id} step ${step}/${run.hyper.steps} loss ${loss.toFixed(4)} · ${sps.toFixed(2)} steps/s (${(sps * run.hyper.batchSize).toFixed(0)} samples/s) · ETA ${fmtTime(eta)}`);
    });
    done += run.hyper.steps - last; // a failed run counts as finished for the ETA
    console.log(`[torch] runs done ${i + 1}/${plan.runs.length}${code ? ' (this one FAILED)' : ''}, ${fmtTime((Date.now() - t0) / 1000)} so far`);
  }
}

function readRunFiles(dir, id) {
  const rd = path.join(dir, 'runs', id);
  const read = (f) => (existsSync(path.join(rd, f)) ? readFileSync(path.join(rd, f)) : undefined);
  const evals = existsSync(rd) ? readdirSync(rd).filter((f) => /^eval-\d+\.safetensors$/.test(f)) : [];
  return { metrics: read('metrics.jsonl')?.toString('utf8') ?? '', runJson: read('run.json')?.toString('utf8'), evals: evals.map((f) => new Uint8Array(read(f))) };
}

/**
 * → { runs, summary, engine } for scripts/experiment.mjs. opts: { dir, device, nproc, threads, prepareOnly, collect }.
 * `collect`: only step 3 on a DIR trained elsewhere; `prepareOnly`: only step 1.
 */
export async function runTorchExperiment(rawSpec, opts) {
  const ts = await loadTs();
  try {
    const spec = ts.spec.validateExperiment(rawSpec);
    const prep = ts.data.experimentData(spec);
    const dir = opts.dir;
    const planFile = path.join(dir, 'plan.json');
    let plan;
    if (opts.collect) plan = JSON.parse(readFileSync(planFile, 'utf8'));
    else {
      plan = ts.data.torchPlan(spec, prep);
      mkdirSync(dir, { recursive: true });
      writeFileSync(planFile, JSON.stringify(plan, null, 1));
      writeFileSync(path.join(dir, 'data.safetensors'), ts.data.encodeTorchData(prep));
      console.log(`[torch] prepared ${dir}: ${plan.runs.length} runs, ${prep.trainIndex.length} train / ${prep.val.Ni} val images, vocab ${prep.tokenizer.vocabSize}`);
      if (opts.prepareOnly) return null;
      await trainAll(dir, plan, opts);
    }
    const runs = plan.runs.map((r) => ts.collect.collectTorchRun(r, prep.val, readRunFiles(dir, r.id)));
    const info = runs.length ? JSON.parse(readRunFiles(dir, plan.runs[0].id).runJson ?? '{}') : {};
    const engine = { engine: 'torch', device: info.device ?? opts.device, processes: info.world ?? opts.nproc, torch: info.torch, dtype: info.dtype, amp: info.amp, gpu: info.gpu ?? undefined, threads: info.threads };
    return { runs, summary: ts.summarize.summarizeExperiment(runs, spec.presets), engine };
  } finally {
    await ts.close();
  }
}

/** "CPU ×n, GiB; PyTorch x on device (N processes)" for the report. */
export function torchMachine(engine) {
  const v = engine.torch ?? spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)']).stdout?.toString().trim();
  const where = engine.gpu ?? `${os.cpus()[0]?.model ?? "cpu"} ×${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${engine.threads ?? "?"} torch threads`;
  return `${where}; engine: PyTorch ${v} on ${engine.device}, ${engine.processes} process(es)${engine.amp && engine.amp !== 'none' ? `, ${engine.amp}` : ''}`;
}
