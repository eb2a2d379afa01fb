// Exploration slice: answers to interactive questions asked of trained runs that are not part of the
// experiment state — zero-shot classification with the user's prompt templates (not persisted, not
// in the URL). The worker client writes it, the zero-shot panel reads it.
import type { StateCreator } from 'zustand';
import type { ZeroShotReply } from '../train/types';
import type { State } from './types';

export interface ExplorationSlice {
  zeroShot: { runId: string; result: ZeroShotReply } | null;
  /** The run whose zero-shot answer is awaited (null when none). */
  zeroShotPending: string | null;
  setZeroShot(zeroShot: ExplorationSlice['zeroShot'], pending?: string | null): void;
}

export const createExplorationSlice: StateCreator<State, [], [], ExplorationSlice> = (set) => ({
  zeroShot: null,
  zeroShotPending: null,
  setZeroShot: (zeroShot, pending = null) => set({ zeroShot, zeroShotPending: pending }),
});
