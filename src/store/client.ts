import { downloadBytes } from '../util/download';
// The training-worker client and the app's module-level actions (usable outside React). The worker
// owns the GPU; this module turns its messages into store updates.
import type { DatasetSpec } from '../data/types';
import type { RunRequest } from '../train/types';
import { type FromWorker, type ToWorker, fitToDataset } from '../worker/protocol';
import { type Experiment, parseExperiment, runConfig, serializeExperiment } from './experiment';
import { useExplore } from './explore';
import { useStore } from './store';
import { setTrainError } from './uploads';
import { inspectCheckpoint } from '../train/resume';
import { estimateGpuBytes, formatBytes } from '../model/memory';
import { zipSync } from 'fflate';
import { pytorchBundle, slug } from '../export/pytorch';
import { attachRestored, startSessionPersistence } from './session';
import { onOnnxExport } from '../export/receive';
import { patchExport } from '../export/state';
import { bindTeacherSender, onTeacherReply } from '../teacher/ui-state';

let worker: Worker | null = null;
let retrievalRun: string | null = null;

const send = (m: ToWorker) => worker?.postMessage(m);
bindTeacherSender(send);
const st = () => useStore.getState();

function onMessage(m: FromWorker) {
  const s = st();
  switch (m.type) {
    case 'ready':
      s.setGpu({ kind: 'ready', adapter: m.adapter || 'WebGPU adapter', features: m.features });
      break;
    case 'unsupported':
      s.setGpu({ kind: 'unsupported', reason: m.reason, message: m.message });
      break;
    case 'dataset':
      s.setDatasetInfo(m.info);
      setTrainError(null);
      attachRestored();
      break;
    case 'status':
      s.patchRun(m.id, { status: m.status, ...(m.params ? { params: m.params } : {}), ...(m.message ? { message: m.message } : {}) });
      if (m.status === 'error' && m.message) s.pushMessage(`${s.runs[m.id]?.label ?? m.id}: ${m.message}`);
      break;
    case 'steps':
      s.appendSteps(m.id, m.records, m.stepsPerSec);
      break;
    case 'eval':
      s.addEval(m.id, m.snapshot);
      break;
    case 'attention':
      s.patchRun(m.id, { attention: m.payload });
      break;
    case 'done':
      s.patchRun(m.id, { final: m.final, wallMs: m.wallMs });
      break;
    case 'model-ready':
      s.patchRun(m.id, { model: 'ready' });
      break;
    case 'retrieval':
      if (retrievalRun) s.setRetrieval({ ...m, runId: retrievalRun });
      break;
    case 'zeroshot':
      if (useExplore.getState().zeroShotPending === m.id) useExplore.setState({ zeroShot: { runId: m.id, result: m.result }, zeroShotPending: null });
      break;
    case 'checkpoint':
      s.patchRun(m.id, { checkpointStep: m.step });
      if (m.message) s.pushMessage(`${s.runs[m.id]?.label ?? m.id}: ${m.message}`);
      if (m.bytes && m.purpose === 'pytorch') {
        try {
          const label = s.runs[m.id]?.label ?? m.id;
          downloadBytes(`${slug(label)}-pytorch.zip`, zipSync(pytorchBundle(label, m.bytes)), 'application/zip');
        } catch (e) {
          s.pushMessage(`Export for PyTorch failed: ${e instanceof Error ? e.message : String(e)}`);
        }
      } else if (m.bytes) downloadBytes(`${m.id}-step${m.step}.safetensors`, m.bytes);
      break;
    case 'dataset-error':
      setTrainError(m.message);
      s.pushMessage(`dataset: ${m.message}`);
      break;
    case 'checkpoint-pruned':
      s.patchRun(m.id, { checkpointStep: undefined });
      break;
    case 'rewind':
      s.rewindRun(m.id, m.step);
      break;
    case 'onnx-export':
      void onOnnxExport(m);
      break;
    case 'teacher-loaded':
    case 'teacher-captions':
    case 'teacher-frozen':
      onTeacherReply(m);
      break;
    case 'gpu-problem':
      s.pushMessage(`GPU ${m.problem.kind === 'lost' ? `device lost (${m.problem.reason})` : `${m.problem.errorType} error`}: ${m.problem.message}`);
      break;
    case 'error':
      if (m.id && s.retrievalPending) s.setRetrieval(null);
      if (m.id && s.runs[m.id]?.model === 'attaching') s.patchRun(m.id, { model: undefined }); // the re-attach failed
      if (s.gpu.kind === 'starting' && !m.id) s.setGpu({ kind: 'failed', message: m.message });
      s.pushMessage(m.id ? `${s.runs[m.id]?.label ?? m.id}: ${m.message}` : m.message);
      break;
  }
}

/** (Re)start the worker on a dataset. Runs still queued or running in the old worker end as stopped. */
export function startWorker(dataset: DatasetSpec) {
  const s = st();
  if (worker) {
    worker.terminate();
    for (const id of s.order) {
      const r = s.runs[id];
      if (r.status === 'queued' || r.status === 'running' || r.status === 'paused') s.patchRun(id, { status: 'stopped', message: 'dataset changed' });
      if (r.model) s.patchRun(id, { model: undefined }); // the new worker holds no trained models
    }
  }
  s.setDatasetInfo(null);
  s.setRetrieval(null);
  s.setActiveDataset({ ...dataset });
  worker = new Worker(new URL('../worker/main.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (ev: MessageEvent<FromWorker>) => onMessage(ev.data);
  worker.onerror = (ev) => {
    ev.preventDefault();
    st().pushMessage(`training worker failed: ${ev.message || 'unknown error'}`);
  };
  send({ type: 'init', dataset });
}

/** Add one planned run per selected preset × seed. */
export function addToQueue() {
  const { presets, seeds } = st().experiment;
  st().addRuns(presets.flatMap((preset) => seeds.map((seed) => ({ preset, seed }))));
}

/** Send every planned run to the worker (adding the selection first when nothing is planned). */
export function train() {
  if (!st().order.some((id) => st().runs[id].status === 'planned')) addToQueue();
  const s = st();
  const e = s.experiment;
  // The text tower takes the loaded dataset's tokens; until the worker has tokenized it, runs stay planned.
  const tokens = s.dataset;
  if (!tokens) {
    s.pushMessage('The dataset is still loading: press Train again once it is shown.');
    return;
  }
  for (const id of s.order) {
    const r = s.runs[id];
    if (r.status !== 'planned') continue;
    try {
      const request = fitToDataset({ id, label: r.label, preset: r.preset, config: runConfig(r.preset, e.model, e.loss), hyper: { ...e.hyper }, seed: r.seed }, tokens);
      s.patchRun(id, { status: 'queued', request, message: undefined });
      send({ type: 'enqueue', run: request });
    } catch (err) {
      s.patchRun(id, { status: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  }
}

/**
 * Open a .safetensors checkpoint (ours, or one written by python/sharelab_torch): validated here with a
 * message naming the file and field; then queued as a run that starts from it — training continues if
 * its step budget is not used up, otherwise the run is evaluated and analysed (every view works on it).
 */
export async function openCheckpoint(file: File): Promise<boolean> {
  const s = st();
  let info: ReturnType<typeof inspectCheckpoint>;
  let bytes: Uint8Array;
  try {
    if (file.size > 1024 ** 3) throw new Error(`${(file.size / 1024 ** 2).toFixed(0)} MB is larger than a tab can load (1 GB)`);
    bytes = new Uint8Array(await file.arrayBuffer());
    info = inspectCheckpoint(bytes);
  } catch (e) {
    s.pushMessage(`Could not open checkpoint "${file.name}": ${e instanceof Error ? e.message : String(e)}`);
    return false;
  }
  const { meta } = info;
  // Analysis only: the batch is just the embedding chunk size, so cap it (a cluster run's 4,096 would
  // allocate activations for nothing).
  const hyper = info.resumable ? info.hyper : { ...info.hyper, batchSize: Math.min(info.hyper.batchSize, 64) };
  const mem = estimateGpuBytes(meta.config, hyper.batchSize);
  if (mem.total > 2 ** 30) {
    s.pushMessage(
      `"${file.name}" is a large model: about ${formatBytes(mem.total)} of GPU memory (${formatBytes(mem.paramBytes)} for weights and optimizer state, ${formatBytes(mem.activationBytes)} for batch ${hyper.batchSize}). If the GPU cannot hold it the run stops with an out-of-memory message and nothing else is affected.`,
    );
  }
  const preset = meta.config.sharing.preset;
  const before = new Set(s.order);
  s.addRuns([{ preset, seed: meta.seed }]);
  const id = st().order.find((o) => !before.has(o));
  if (!id) return false;
  const label = `${file.name.replace(/\.safetensors$/, '')} · from step ${meta.step}${info.resumable ? '' : ' (analysis)'}`;
  const request: RunRequest = { id, label, preset, config: meta.config, hyper, seed: meta.seed, from: { kind: 'file', name: file.name, bytes } };
  st().patchRun(id, { label, status: 'queued', request, message: info.resumable ? `resumes at step ${meta.step} of ${hyper.steps}` : `trained to step ${meta.step}; evaluated and analysed here` });
  send({ type: 'enqueue', run: request });
  return true;
}

/** Export a finished run's encoders as ONNX and check them with onnxruntime-web on `batch` validation pairs. */
export function exportOnnxRun(id: string, batch = 16) {
  patchExport(id, { phase: 'exporting', label: st().runs[id]?.label ?? id, error: undefined, report: undefined, bundle: undefined });
  send({ type: 'export-onnx', id, batch });
}

/** Download a zip for python/sharelab_torch: the run's checkpoint, config, tokenizer, hyper-parameters and commands. */
export function exportForPyTorch(id: string) {
  send({ type: 'export-pytorch', id });
}

/** Save a checkpoint of a run; with download, the browser also saves the .safetensors file. */
export function checkpointRun(id: string, download: boolean) {
  send({ type: 'checkpoint', id, download });
}

/** Destroy the GPU device on purpose (tests, or to see recovery work). */
export function loseDevice() {
  send({ type: 'debug-lose-device' });
}

export function pauseRun(id: string) {
  send({ type: 'pause', id });
}
export function resumeRun(id: string) {
  send({ type: 'resume', id });
}
export function stopRun(id: string) {
  const r = st().runs[id];
  if (r?.status === 'planned') st().removeRun(id);
  else if (r?.interrupted) st().patchRun(id, { status: 'stopped', interrupted: false, message: 'stopped after a reload (its last checkpoint is kept)' });
  else send({ type: 'stop', id });
}
export function deleteRun(id: string) {
  const r = st().runs[id];
  if (r && r.status !== 'planned') send({ type: 'delete', id });
  if (st().retrieval?.runId === id) st().setRetrieval(null);
  if (useExplore.getState().zeroShot?.runId === id) useExplore.setState({ zeroShot: null });
  st().removeRun(id);
}

export function retrieveText(id: string, text: string, k = 5) {
  retrievalRun = id;
  st().setRetrieval(null, true);
  send({ type: 'retrieve', id, query: { kind: 'text', text, k } });
}
export function retrieveImage(id: string, index: number, k = 5) {
  retrievalRun = id;
  st().setRetrieval(null, true);
  send({ type: 'retrieve', id, query: { kind: 'image', index, k } });
}

/** Zero-shot classification of a trained run's val images with the given prompt templates. */
export function zeroShot(id: string, task: string, templates: string[]) {
  useExplore.setState({ zeroShotPending: id });
  send({ type: 'zeroshot', id, task, templates });
}

/** The experiment as saved: settings plus the runs (preset, seed) in queue order. */
export function currentExperiment(): Experiment {
  const s = st();
  return { ...s.experiment, runs: s.order.map((id) => ({ preset: s.runs[id].preset, seed: s.runs[id].seed })) };
}

/**
 * Validate and apply an experiment (hash or file). On error the state is unchanged and the message
 * is shown. Planned runs are replaced by the imported ones; the worker restarts if the dataset changed.
 */
export function importExperiment(text: string, source: string): boolean {
  const r = parseExperiment(text, st().experiment);
  if (!r.ok) {
    st().setImportError(`${source} rejected: ${r.error}`);
    return false;
  }
  const s = st();
  for (const id of s.order) if (s.runs[id].status === 'planned') s.removeRun(id);
  useStore.setState({ experiment: { ...r.value, runs: [] }, importError: null });
  st().addRuns(r.value.runs);
  const active = st().activeDataset;
  if (active && JSON.stringify(active) !== JSON.stringify(r.value.dataset)) startWorker(r.value.dataset);
  return true;
}

export const experimentJson = () => JSON.stringify(currentExperiment(), null, 2);

function readHash(): string | null {
  const h = location.hash.slice(1);
  if (!h) return null;
  try {
    return decodeURIComponent(h);
  } catch {
    return h;
  }
}

/** Apply the URL hash (if any), start the worker and keep the hash in sync with the experiment. */
export function boot() {
  // Test hook (also handy to see recovery work by hand in the console).
  (window as unknown as { __sharelab?: object }).__sharelab = {
    loseDevice,
    simulateQuota: (bytes: number | null) => send({ type: 'debug-quota', bytes }),
    /** For tests: each run's training-loss curve by label. */
    losses: () => Object.fromEntries(st().order.map((id) => [st().runs[id].label, st().runs[id].steps.map((r) => [r.step, r.loss])])),
  };
  const h = readHash();
  if (h) importExperiment(h, 'URL hash');
  startWorker(st().experiment.dataset);
  void startSessionPersistence(send);
  let last = '';
  let timer = 0;
  const write = () => {
    timer = 0;
    const json = serializeExperiment(currentExperiment());
    if (json === last) return;
    last = json;
    history.replaceState(null, '', `#${encodeURIComponent(json)}`);
  };
  useStore.subscribe((s, prev) => {
    if (s.experiment !== prev.experiment || s.order !== prev.order) {
      if (!timer) timer = window.setTimeout(write, 200);
    }
  });
  if (!st().importError) write();
  // Hidden tab (switching away, closing): checkpoint every running run so at most one interval is lost.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'hidden') return;
    for (const [id, r] of Object.entries(st().runs)) if (r.status === 'running') checkpointRun(id, false);
  });
  window.addEventListener('hashchange', () => {
    const t = readHash();
    if (t && t !== serializeExperiment(currentExperiment())) importExperiment(t, 'URL hash');
  });
}
