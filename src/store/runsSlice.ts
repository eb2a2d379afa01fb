// Runs slice: one entry per run (planned or sent to the worker), with its metric history. Step
// records are appended as they arrive; charts read them through throttled subscriptions.
import type { StateCreator } from 'zustand';
import type { ParamCounts } from '../model/params';
import type { EvalMetrics } from '../train/evaluate';
import type { AttentionPayload, EvalSnapshot, RunRequest, RunStatus } from '../train/types';
import type { StepRecord } from '../train/trainer';
import type { State } from './types';

export type RunPhase = RunStatus | 'planned';

export interface RunInfo {
  id: string;
  label: string;
  preset: string;
  seed: number;
  color: string;
  status: RunPhase;
  message?: string;
  request?: RunRequest;
  params?: ParamCounts;
  steps: StepRecord[];
  stepsPerSec: number;
  evals: EvalMetrics[];
  snapshot?: EvalSnapshot;
  final?: EvalMetrics | null;
  wallMs?: number;
  /** Step of the last checkpoint kept in browser storage. */
  checkpointStep?: number;
  /** Attention maps, transfer score and CKA of the trained model (posted when the run ends). */
  attention?: AttentionPayload;
  /** Restored after a reload while it was active: Resume restarts it from its stored checkpoint. */
  interrupted?: boolean;
  /**
   * Whether the worker holds the run's trained model (retrieval and zero-shot need it): 'attaching' while
   * a restored run's model is reloaded from its stored checkpoint, 'ready' once it answers. Never saved:
   * a new page (or a restarted worker) holds no models.
   */
  model?: 'attaching' | 'ready';
  /** The overfitting note (validation loss rising while training loss falls; src/train/best.ts). */
  note?: string;
  /** The best validation loss so far and its step (keepBest: the weights the run ends with). */
  best?: { step: number; valLoss: number };
  /** Ended by early stopping (hyper.earlyStop) before its last step. */
  stoppedEarly?: boolean;
  /** The kernel autotuner's last progress line while the run starts. */
  tuning?: string;
  /** The tuned kernel table the run trained with (tuner.ts tableJson), null when none. */
  kernels?: object | null;
  /** The final weights' metrics on each evaluation set (DatasetSpec.evalSets), by set name (from 'done'). */
  evalSets?: Record<string, EvalMetrics>;
  /** The final embeddings of each evaluation set (embedding map), by set name (from 'eval-set'). */
  evalSnapshots?: Record<string, EvalSnapshot>;
}

export const PALETTE = ['#3a5bd9', '#d9480f', '#2b8a3e', '#ae3ec9', '#e8590c', '#0b7285', '#c2255c', '#5c940d', '#862e9c', '#495057'];

export interface RunsSlice {
  runs: Record<string, RunInfo>;
  order: string[];
  nextRun: number;
  addRuns(list: { preset: string; seed: number }[]): void;
  clearRuns(): void;
  patchRun(id: string, patch: Partial<RunInfo>): void;
  appendSteps(id: string, records: StepRecord[], stepsPerSec: number): void;
  addEval(id: string, snapshot: EvalSnapshot): void;
  /** A finished run's embeddings of one evaluation set. */
  addEvalSetSnapshot(id: string, set: string, snapshot: EvalSnapshot): void;
  /** Training resumed from a checkpoint at `step`: forget what came after it. */
  rewindRun(id: string, step: number): void;
  removeRun(id: string): void;
  /** Replace the run list (a session restored after a reload). */
  restoreRuns(r: { runs: Record<string, RunInfo>; order: string[]; nextRun: number }): void;
}

export const createRunsSlice: StateCreator<State, [], [], RunsSlice> = (set) => ({
  runs: {},
  order: [],
  nextRun: 0,
  addRuns: (list) =>
    set((s) => {
      const runs = { ...s.runs };
      const order = [...s.order];
      let n = s.nextRun;
      for (const { preset, seed } of list) {
        const id = `run-${n}`;
        const same = order.filter((o) => runs[o].preset === preset && runs[o].seed === seed).length;
        const label = `${preset} · seed ${seed}${same ? ` (${same + 1})` : ''}`;
        runs[id] = { id, label, preset, seed, color: PALETTE[n % PALETTE.length], status: 'planned', steps: [], stepsPerSec: 0, evals: [] };
        order.push(id);
        n++;
      }
      return { runs, order, nextRun: n };
    }),
  clearRuns: () => set({ runs: {}, order: [] }),
  patchRun: (id, patch) =>
    set((s) => (s.runs[id] ? { runs: { ...s.runs, [id]: { ...s.runs[id], ...patch } } } : {})),
  appendSteps: (id, records, stepsPerSec) =>
    set((s) => {
      const r = s.runs[id];
      if (!r) return {};
      return { runs: { ...s.runs, [id]: { ...r, steps: r.steps.concat(records), stepsPerSec } } };
    }),
  addEval: (id, snapshot) =>
    set((s) => {
      const r = s.runs[id];
      if (!r) return {};
      return { runs: { ...s.runs, [id]: { ...r, snapshot, evals: [...r.evals, snapshot.metrics] } } };
    }),
  addEvalSetSnapshot: (id, name, snapshot) =>
    set((s) => {
      const r = s.runs[id];
      if (!r) return {};
      return { runs: { ...s.runs, [id]: { ...r, evalSnapshots: { ...r.evalSnapshots, [name]: snapshot } } } };
    }),
  rewindRun: (id, step) =>
    set((s) => {
      const r = s.runs[id];
      if (!r) return {};
      // The evaluation-set results belong to the final weights: the resumed run posts new ones when it ends.
      const { evalSets: _m, evalSnapshots: _s, ...kept } = r;
      return { runs: { ...s.runs, [id]: { ...kept, steps: r.steps.filter((x) => x.step <= step), evals: r.evals.filter((e) => e.step <= step) } } };
    }),
  restoreRuns: ({ runs, order, nextRun }) => set({ runs, order, nextRun }),
  removeRun: (id) =>
    set((s) => {
      const { [id]: _gone, ...runs } = s.runs;
      return { runs, order: s.order.filter((o) => o !== id) };
    }),
});
