// Session slice: what the worker told us about the GPU and the dataset, retrieval answers, messages, the pickers' choices.
import type { StateCreator } from 'zustand';
import type { DatasetInfo, DatasetSpec } from '../data/types';
import type { FromWorker } from '../worker/protocol';
import type { Picker, Picks } from './picks';
import type { State } from './types';

export type GpuState =
  | { kind: 'starting' }
  | { kind: 'ready'; adapter: string; features: string[] }
  | { kind: 'unsupported'; reason: 'no-webgpu' | 'no-adapter' | 'device-failed'; message: string }
  | { kind: 'failed'; message: string };

export type Retrieval = Extract<FromWorker, { type: 'retrieval' }> & { runId: string };

export interface SessionSlice {
  gpu: GpuState;
  dataset: DatasetInfo | null;
  /** The dataset spec the worker was started with (edits apply on Generate). */
  activeDataset: DatasetSpec | null;
  retrieval: Retrieval | null;
  retrievalPending: boolean;
  messages: string[];
  /** The run (or configuration) each picker shows, as the user last chose; saved with the session. */
  picks: Picks;
  setPick(picker: Picker, id: string): void;
  /** Train without timing kernel variants first (the fixed rule; each run records that tuning was skipped). */
  skipTuning: boolean;
  setSkipTuning(skip: boolean): void;
  setGpu(gpu: GpuState): void;
  setDatasetInfo(info: DatasetInfo | null): void;
  setActiveDataset(spec: DatasetSpec): void;
  setRetrieval(r: Retrieval | null, pending?: boolean): void;
  pushMessage(m: string): void;
  dismissMessage(i: number): void;
}

export const createSessionSlice: StateCreator<State, [], [], SessionSlice> = (set) => ({
  gpu: { kind: 'starting' },
  dataset: null,
  activeDataset: null,
  retrieval: null,
  retrievalPending: false,
  messages: [],
  picks: {},
  skipTuning: false,
  setSkipTuning: (skipTuning) => set({ skipTuning }),
  setPick: (picker, id) => set((s) => ({ picks: { ...s.picks, [picker]: id } })),
  setGpu: (gpu) => set({ gpu }),
  setDatasetInfo: (dataset) => set({ dataset }),
  setActiveDataset: (activeDataset) => set({ activeDataset }),
  setRetrieval: (retrieval, pending = false) => set({ retrieval, retrievalPending: pending }),
  pushMessage: (m) => set((s) => ({ messages: [...s.messages.slice(-4), m] })),
  dismissMessage: (i) => set((s) => ({ messages: s.messages.filter((_, j) => j !== i) })),
});
