// Answers to interactive questions asked of trained runs that are not part of the experiment state:
// zero-shot classification with the user's prompt templates. A small store of its own (not persisted,
// not in the URL); the worker client writes it, the zero-shot panel reads it.
import { create } from 'zustand';
import type { ZeroShotReply } from '../train/types';

export interface ExploreState {
  zeroShot: { runId: string; result: ZeroShotReply } | null;
  /** The run whose zero-shot answer is awaited (null when none). */
  zeroShotPending: string | null;
}

export const useExplore = create<ExploreState>()(() => ({ zeroShot: null, zeroShotPending: null }));
