// Uploads slice: progress of the current load, its result, the uploads cached in this browser, and
// why the training worker could not load the chosen one. Written by the upload actions (./uploads.ts).
import type { StateCreator } from 'zustand';
import type { UploadListing } from '../data/ingest/cache';
import type { LoadResult, Progress } from '../data/ingest/pipeline';
import type { HeapSample } from '../data/ingest/protocol';
import { type Patch, merge } from './patch';
import type { State } from './types';

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

export interface UploadsSlice {
  uploads: UploadsState;
  patchUploads(p: Patch<UploadsState>): void;
}

export const createUploadsSlice: StateCreator<State, [], [], UploadsSlice> = (set) => ({
  uploads: { status: { kind: 'idle' }, last: null, heap: null, cached: [], trainError: null, autoSelect: true },
  patchUploads: (p) => set((s) => ({ uploads: merge(s.uploads, p) })),
});
