// The run actions the UI calls (usable outside React): queue and train runs, open a checkpoint, export,
// pause / resume / stop / delete, ask trained runs questions. Each is a message to the worker
// (./transport.ts) plus the store update that goes with it.
import { estimateGpuBytes, formatBytes } from '../model/memory';
import { inspectCheckpoint } from '../train/resume';
import type { RunRequest } from '../train/types';
import { fitToDataset } from '../worker/protocol';
import { runConfig } from './experiment';
import { expectRetrieval } from './replies';
import { useStore } from './store';
import { send } from './transport';

const st = () => useStore.getState();

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
      const request = fitToDataset({ id, label: r.label, preset: r.preset, config: runConfig(r.preset, e.model, e.loss), hyper: { ...e.hyper }, seed: r.seed, ...(s.skipTuning ? { skipTuning: true } : {}) }, tokens);
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
  st().patchExport(id, { phase: 'exporting', label: st().runs[id]?.label ?? id, error: undefined, report: undefined, bundle: undefined });
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
  if (st().zeroShot?.runId === id) st().setZeroShot(null);
  st().removeRun(id);
}

/** `set`: an evaluation set's name (its images and captions are searched); absent = the run's own validation split. */
export function retrieveText(id: string, text: string, k = 5, set?: string) {
  expectRetrieval(id);
  st().setRetrieval(null, true);
  send({ type: 'retrieve', id, query: { kind: 'text', text, k }, ...(set ? { set } : {}) });
}
export function retrieveImage(id: string, index: number, k = 5, set?: string) {
  expectRetrieval(id);
  st().setRetrieval(null, true);
  send({ type: 'retrieve', id, query: { kind: 'image', index, k }, ...(set ? { set } : {}) });
}

/** Zero-shot classification of a trained run's val images with the given prompt templates. */
export function zeroShot(id: string, task: string, templates: string[]) {
  st().setZeroShot(st().zeroShot, id);
  send({ type: 'zeroshot', id, task, templates });
}
