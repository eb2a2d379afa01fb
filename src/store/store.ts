// One zustand store of typed slices: settings, runs, session, uploads, exploration, teacher, export.
// Non-React code uses useStore.getState(); components read with selectors and change state through
// the actions (./actions.ts, ./uploads.ts, ./teacher.ts), never with setState.
import { create } from 'zustand';
import { createExplorationSlice } from './explorationSlice';
import { createExportSlice } from './exportSlice';
import { createRunsSlice } from './runsSlice';
import { createSessionSlice } from './sessionSlice';
import { createSettingsSlice } from './settingsSlice';
import { createTeacherSlice } from './teacherSlice';
import type { State } from './types';
import { createUploadsSlice } from './uploadsSlice';

export const useStore = create<State>()((...a) => ({
  ...createSettingsSlice(...a),
  ...createRunsSlice(...a),
  ...createSessionSlice(...a),
  ...createUploadsSlice(...a),
  ...createExplorationSlice(...a),
  ...createTeacherSlice(...a),
  ...createExportSlice(...a),
}));

/** A nested slice for a component: its whole value, or the part `sel` picks. */
export function useSlice<K extends 'teacher' | 'uploads'>(key: K): State[K];
export function useSlice<K extends 'teacher' | 'uploads', T>(key: K, sel: (v: State[K]) => T): T;
export function useSlice<K extends 'teacher' | 'uploads', T>(key: K, sel?: (v: State[K]) => T): T | State[K] {
  return useStore((s) => (sel ? sel(s[key]) : s[key]));
}

export type { State };
