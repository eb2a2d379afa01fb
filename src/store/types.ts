import type { RunsSlice } from './runsSlice';
import type { SessionSlice } from './sessionSlice';
import type { SettingsSlice } from './settingsSlice';

export type State = SettingsSlice & RunsSlice & SessionSlice;
