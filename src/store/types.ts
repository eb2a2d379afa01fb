import type { ExplorationSlice } from './explorationSlice';
import type { ExportSlice } from './exportSlice';
import type { RunsSlice } from './runsSlice';
import type { SessionSlice } from './sessionSlice';
import type { SettingsSlice } from './settingsSlice';
import type { TeacherSlice } from './teacherSlice';
import type { UploadsSlice } from './uploadsSlice';

export type State = SettingsSlice & RunsSlice & SessionSlice & UploadsSlice & ExplorationSlice & TeacherSlice & ExportSlice;
