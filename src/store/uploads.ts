// Uploads on the UI side: a small zustand store (progress of the current load, its result, the
// uploads cached in this browser) and the actions that drive the upload worker
// (src/data/ingest/worker.ts) and switch the experiment between the built-in set and an upload.
import { create } from 'zustand';
import { IdbUploadStore, type UploadListing } from '../data/ingest/cache';
import type { LoadResult, Progress } from '../data/ingest/pipeline';
import type { FromIngest, HeapSample } from '../data/ingest/protocol';
import type { DatasetSpec } from '../data/types';
import { startWorker } from './client';
import { useStore } from './store';

export interface PickedFile {
  path: string;
  file: File;
}

export type LoadStatus =
  | { kind: 'idle' }
  | { kind: 'loading'; name: string; files: number; bytes: number; startedAt: number; progress: Progress | null }
  | { kind: 'error'; name: string; message: string };

export interface UploadsState {
  status: LoadStatus;
  /** The result of the last finished load (report, stats, preview). */
  last: LoadResult | null;
  /** Heap of the upload worker during the last load (Chromium only). */
  heap: HeapSample | null;
  /** Uploads kept in this browser's IndexedDB. */
  cached: UploadListing[];
  /** Why the training worker could not load the chosen upload (null when fine). */
  trainError: string | null;
  /** Make a finished upload the dataset at once (the ingest benchmark turns this off to measure the load alone). */
  autoSelect: boolean;
}

export const useUploads = create<UploadsState>()(() => ({ status: { kind: 'idle' }, last: null, heap: null, cached: [], trainError: null, autoSelect: true }));

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
    useUploads.setState({ cached: await idb().list() });
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
  useUploads.setState({ trainError: null });
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
  const u = useUploads.getState();
  if (u.last?.id === id) useUploads.setState({ last: null });
  await refreshUploads();
  if (useStore.getState().experiment.dataset.upload === id) selectBuiltin();
}

/** Called by the training-worker client when it cannot load the chosen upload. */
export function setTrainError(message: string | null) {
  useUploads.setState({ trainError: message });
}

export function cancelUpload() {
  worker?.terminate();
  worker = null;
  const st = useUploads.getState().status;
  if (st.kind === 'loading') useUploads.setState({ status: { kind: 'error', name: st.name, message: 'cancelled' } });
}

/** Load files (a folder, archives, loose files) through the upload worker; selects the upload when done. */
export function loadUpload(files: PickedFile[], name: string) {
  if (!files.length) return;
  worker?.terminate();
  const s = useStore.getState();
  const size = s.experiment.dataset.size;
  const bytes = files.reduce((n, f) => n + f.file.size, 0);
  useUploads.setState({ status: { kind: 'loading', name, files: files.length, bytes, startedAt: performance.now(), progress: null } });
  const w = new Worker(new URL('../data/ingest/worker.ts', import.meta.url), { type: 'module' });
  worker = w;
  w.onmessage = (ev: MessageEvent<FromIngest>) => {
    const m = ev.data;
    const st = useUploads.getState().status;
    if (m.type === 'progress') {
      if (st.kind === 'loading') useUploads.setState({ status: { ...st, progress: m.progress }, heap: m.heap ?? null });
      return;
    }
    w.terminate();
    if (worker === w) worker = null;
    if (m.type === 'error') {
      useUploads.setState({ status: { kind: 'error', name, message: m.message } });
      return;
    }
    useUploads.setState({ status: { kind: 'idle' }, last: m.result, heap: m.heap ?? null });
    void refreshUploads();
    if (m.result.count >= 2 && useUploads.getState().autoSelect) choose({ kind: 'upload', upload: m.result.id, size: m.result.size });
  };
  w.onerror = (ev) => {
    ev.preventDefault();
    w.terminate();
    if (worker === w) worker = null;
    useUploads.setState({ status: { kind: 'error', name, message: `upload worker failed: ${ev.message || 'unknown error'}` } });
  };
  w.postMessage({
    type: 'load',
    files,
    name,
    size,
    contextLength: s.dataset?.contextLength ?? 16,
    vocabSize: s.experiment.dataset.vocabSize ?? 512,
  });
}

// For tests and the ingest benchmark: read results without scraping the DOM.
(globalThis as unknown as { __sharelabUploads?: typeof useUploads }).__sharelabUploads = useUploads;
