// One zustand store of typed slices (settings, runs, session). Non-React code uses useStore.getState().
import { create } from 'zustand';
import { createRunsSlice } from './runsSlice';
import { createSessionSlice } from './sessionSlice';
import { createSettingsSlice } from './settingsSlice';
import type { State } from './types';

export const useStore = create<State>()((...a) => ({
  ...createSettingsSlice(...a),
  ...createRunsSlice(...a),
  ...createSessionSlice(...a),
}));

export type { State };
