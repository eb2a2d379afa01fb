// Uploads on the UI side (state in ./uploadsSlice.ts): the actions that drive the upload worker
// (src/data/ingest/worker.ts) and switch the experiment between the built-in set and an upload.
import { IdbUploadStore } from '../data/ingest/cache';
import type { FromIngest } from '../data/ingest/protocol';
import { DEFAULT_CONTEXT_LENGTH, type DatasetSpec } from '../data/types';
import type { Patch } from './patch';
import { useStore } from './store';
import { startWorker } from './transport';
import type { PickedFile, UploadsState } from './uploadsSlice';

export type { PickedFile };

const patchUploads = (p: Patch<UploadsState>) => useStore.getState().patchUploads(p);
const uploadsState = () => useStore.getState().uploads;

let worker: Worker | null = null;
let store: IdbUploadStore | null = null;
const idb = () => {
  store ??= new IdbUploadStore();
  return store;
};

/** Anything queued, running or paused in the training worker (switching datasets would stop it). */
const busy = () => Object.values(useStore.getState().runs).some((r) => r.status === 'queued' || r.status === 'running' || r.status === 'paused');

export async function refreshUploads() {
  try {
    patchUploads({ cached: await idb().list() });
  } catch (e) {
    useStore.getState().pushMessage(`could not list cached uploads: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Point the experiment at a dataset; restart the training worker on it unless runs are in flight. */
function choose(patch: Partial<DatasetSpec>) {
  const s = useStore.getState();
  s.setDataset(patch);
  const spec = useStore.getState().experiment.dataset;
  if (busy() || JSON.stringify(spec) === JSON.stringify(useStore.getState().activeDataset)) return;
  patchUploads({ trainError: null });
  startWorker(spec);
}

/** Train on a cached upload; `size` switches the image size to one it is decoded at. */
export function selectUpload(id: string, size?: number) {
  choose({ kind: 'upload', upload: id, ...(size ? { size } : {}) });
}

export function selectBuiltin() {
  choose({ kind: 'builtin' });
}

export async function deleteUpload(id: string) {
  try {
    await idb().remove(id);
  } catch (e) {
    useStore.getState().pushMessage(`could not delete the upload: ${e instanceof Error ? e.message : String(e)}`);
  }
  const u = uploadsState();
  if (u.last?.id === id) patchUploads({ last: null });
  await refreshUploads();
  if (useStore.getState().experiment.dataset.upload === id) selectBuiltin();
}

export function cancelUpload() {
  worker?.terminate();
  worker = null;
  const st = uploadsState().status;
  if (st.kind === 'loading') patchUploads({ status: { kind: 'error', name: st.name, message: 'cancelled' } });
}

/** Load files (a folder, archives, loose files) through the upload worker; selects the upload when done. */
export function loadUpload(files: PickedFile[], name: string) {
  if (!files.length) return;
  worker?.terminate();
  const s = useStore.getState();
  const size = s.experiment.dataset.size;
  const bytes = files.reduce((n, f) => n + f.file.size, 0);
  patchUploads({ status: { kind: 'loading', name, files: files.length, bytes, startedAt: performance.now(), progress: null } });
  const w = new Worker(new URL('../data/ingest/worker.ts', import.meta.url), { type: 'module' });
  worker = w;
  w.onmessage = (ev: MessageEvent<FromIngest>) => {
    const m = ev.data;
    const st = uploadsState().status;
    if (m.type === 'progress') {
      if (st.kind === 'loading') patchUploads({ status: { ...st, progress: m.progress }, heap: m.heap ?? null });
      return;
    }
    w.terminate();
    if (worker === w) worker = null;
    if (m.type === 'error') {
      patchUploads({ status: { kind: 'error', name, message: m.message } });
      return;
    }
    patchUploads({ status: { kind: 'idle' }, last: m.result, heap: m.heap ?? null });
    void refreshUploads();
    if (m.result.count >= 2 && uploadsState().autoSelect) choose({ kind: 'upload', upload: m.result.id, size: m.result.size });
  };
  w.onerror = (ev) => {
    ev.preventDefault();
    w.terminate();
    if (worker === w) worker = null;
    patchUploads({ status: { kind: 'error', name, message: `upload worker failed: ${ev.message || 'unknown error'}` } });
  };
  w.postMessage({
    type: 'load',
    files,
    name,
    size,
    contextLength: s.experiment.dataset.contextLength ?? DEFAULT_CONTEXT_LENGTH, // the statistics count captions cut at the chosen context
    vocabSize: s.experiment.dataset.vocabSize ?? 512,
  });
}

// For tests and the ingest benchmark: read results without scraping the DOM.
(globalThis as unknown as { __sharelabUploads?: object }).__sharelabUploads = { getState: uploadsState, setState: patchUploads };
