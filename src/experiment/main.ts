// Headless experiment page: runs an experiment's runs through the SAME worker the playground uses
// and returns every run's curves and metrics to scripts/experiment.mjs.
import type { FromIngest, ToIngest } from '../data/ingest/protocol';
import type { LoadResult, PipelineOptions, UploadEntry } from '../data/ingest/pipeline';
import type { DatasetSpec } from '../data/types';
import { type FromWorker, type ToWorker, fitToDataset } from '../worker/protocol';
import { resolveEvalPaths } from './eval-paths';
import { type RunResultJson, experimentRuns, validateExperiment } from './spec';
import { type ExperimentSummary, summarizeExperiment } from './summarize';

declare global {
  interface Window {
    runExperiment(spec: unknown): Promise<{ adapter: string; runs: RunResultJson[]; summary: ExperimentSummary }>;
    /** Exposed by scripts/experiment.mjs (scripts/eval-set-files.mjs): an evaluation set path's files, a file's bytes (base64). */
    evalSetList?(path: string): Promise<{ path: string; size: number; abs: string }[]>;
    evalSetRead?(abs: string): Promise<string>;
  }
}

const log = (s: string) => {
  console.log(s);
  const el = document.getElementById('log');
  if (el) el.textContent += `\n${s}`;
};

/** The upload UI's pipeline: the upload worker decodes, validates and caches the files in IndexedDB. */
async function ingestInWorker(entries: UploadEntry[], opts: PipelineOptions): Promise<LoadResult> {
  const files = await Promise.all(entries.map(async (e) => ({ path: e.path, file: new File([(await e.read()) as Uint8Array<ArrayBuffer>], e.path.split('/').pop() ?? e.path) })));
  const w = new Worker(new URL('../data/ingest/worker.ts', import.meta.url), { type: 'module' });
  try {
    return await new Promise<LoadResult>((resolve, reject) => {
      w.onmessage = (ev: MessageEvent<FromIngest>) => {
        if (ev.data.type === 'loaded') resolve(ev.data.result);
        else if (ev.data.type === 'error') reject(new Error(ev.data.message));
      };
      w.onerror = (e) => reject(new Error(e.message));
      w.postMessage({ type: 'load', files, ...opts } satisfies ToIngest);
    });
  } finally {
    w.terminate();
  }
}

/** Evaluation sets given as paths, ingested and named by their content id (src/experiment/eval-paths.ts). */
function withEvalPaths(dataset: DatasetSpec): Promise<DatasetSpec> {
  const { evalSetList, evalSetRead } = window;
  if (!dataset.evalSets?.some((s) => s.path !== undefined)) return Promise.resolve(dataset);
  if (!evalSetList || !evalSetRead) return Promise.reject(new Error('evaluation set paths are read by scripts/experiment.mjs only'));
  return resolveEvalPaths(dataset, {
    list: evalSetList,
    read: async (abs) => Uint8Array.from(atob(await evalSetRead(abs)), (c) => c.charCodeAt(0)),
    ingest: ingestInWorker,
    log,
  });
}

window.runExperiment = async (raw) => {
  const spec = validateExperiment(raw);
  const planned = experimentRuns(spec);
  const dataset = await withEvalPaths(planned.dataset);
  return run(spec, dataset, planned.runs);
};

const run = (spec: ReturnType<typeof validateExperiment>, dataset: DatasetSpec, runs: ReturnType<typeof experimentRuns>['runs']) =>
  new Promise<Awaited<ReturnType<Window['runExperiment']>>>((resolve, reject) => {
    const worker = new Worker(new URL('../worker/main.ts', import.meta.url), { type: 'module' });
    const send = (m: ToWorker) => worker.postMessage(m);
    const results = new Map<string, RunResultJson>(
      runs.map((r) => [r.id, { id: r.id, preset: r.preset, seed: r.seed, curve: [], evals: [], final: null, wallMs: 0, status: 'queued' }]),
    );
    let adapter = '';
    const finish = () => {
      const all = [...results.values()];
      return { adapter, runs: all, summary: summarizeExperiment(all, spec.presets) };
    };
    let remaining = runs.length;
    worker.onmessage = (ev: MessageEvent<FromWorker>) => {
      const m = ev.data;
      if (m.type === 'ready') adapter = m.adapter;
      else if (m.type === 'unsupported') reject(new Error(m.message));
      else if (m.type === 'dataset') {
        log(`dataset: ${m.info.train} train, ${m.info.val} val, vocab ${m.info.vocabSize}`);
        for (const e of m.info.evalSets ?? []) log(`evaluation set "${e.name}": ${e.error ?? `${e.images} images, ${e.captions} captions${e.classes ? `, ${e.classes.length} classes` : ''}`}`);
        for (const r of runs) send({ type: 'enqueue', run: fitToDataset(r, m.info) }); // the worker refuses a text tower that does not fit
      } else if (m.type === 'status') {
        const r = results.get(m.id);
        if (!r) return;
        r.status = m.status;
        if (m.params) r.params = m.params;
        if (m.message) r.message = m.message;
        log(`${m.id}: ${m.status}${m.message ? ` (${m.message})` : ''}`);
        if (m.status === 'error') {
          remaining--;
          if (remaining === 0) resolve(finish());
        }
      } else if (m.type === 'steps') {
        const r = results.get(m.id);
        r?.curve.push(...m.records.map((x) => ({ step: x.step, loss: x.loss, gradNorm: x.gradNorm, logitScale: x.logitScale, lr: x.lr })));
        const last = m.records[m.records.length - 1];
        if (last) log(`${m.id}: step ${last.step} loss ${last.loss.toFixed(4)} (${m.stepsPerSec.toFixed(2)} steps/s)`);
      } else if (m.type === 'eval') {
        results.get(m.id)?.evals.push(m.snapshot.metrics);
      } else if (m.type === 'done') {
        const r = results.get(m.id);
        if (r) {
          r.final = m.final;
          r.wallMs = m.wallMs;
          r.kernels = m.kernels ?? null;
          if (m.best) r.best = m.best;
          if (m.stoppedEarly) r.stoppedEarly = true;
          if (m.note) r.note = m.note;
          if (m.evalSets) r.evalSets = m.evalSets;
        }
        for (const [name, e] of Object.entries(m.evalSets ?? {})) log(`${m.id}: evaluation set "${name}": R@1 i2t ${e.i2t[1]?.toFixed(3)} t2i ${e.t2i[1]?.toFixed(3)}`);
        remaining--;
        log(`${m.id}: done, R@1 i2t ${m.final?.i2t[1]?.toFixed(3)} (${(m.wallMs / 1000).toFixed(0)} s)`);
        if (remaining === 0) {
          worker.terminate();
          resolve(finish());
        }
      } else if (m.type === 'kernels' && m.line) log(`${m.id}: ${m.line}`);
      else if (m.type === 'error') log(`error: ${m.message}`);
      else if (m.type === 'gpu-problem') log(`GPU problem: ${JSON.stringify(m.problem)}`);
    };
    send({ type: 'init', dataset });
  });
