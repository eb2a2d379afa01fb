// Teacher slice: the loaded teacher (or why its files were refused), the adapter choice, and each
// teacher run's frozen-table check. Written by the teacher actions (./teacher.ts), read by the panel.
import type { StateCreator } from 'zustand';
import type { TeacherInfo, TeacherReply, TeacherVisionInfo } from '../teacher/messages';
import { type Patch, merge } from './patch';
import { type AdapterKind, DEFAULT_ADAPTER_BLOCKS } from './teacher-adapter';
import type { State } from './types';

export interface TeacherUiState {
  /** Files being loaded (request id and names). */
  loading: { id: number; files: string[] } | null;
  info: TeacherInfo | null;
  error: string | null;
  adapter: AdapterKind;
  /** MLP / residual-block hidden width; 0 = the default (4 × embed dim). */
  hidden: number;
  /** Residual adapter: the number of residual MLP blocks (LLM2CLIP: 4). */
  blocks: number;
  /** The dataset (spec as JSON) the loaded table was made for: a dataset change makes it stale. */
  datasetKey: string | null;
  /** Per teacher run: its frozen table read back after training and compared with the loaded one. */
  frozen: Record<string, Extract<TeacherReply, { type: 'teacher-frozen' }>>;
  /** Where teacher runs' vision tower starts (LLM2CLIP fine-tunes a pretrained one). */
  vision: TeacherVisionUi;
}

export interface TeacherVisionUi {
  /** 'scratch': the seeded init; 'run' / 'file': the tower in `info` (read by the worker). */
  choice: 'scratch' | 'run' | 'file';
  /** The finished run chosen (choice 'run'). */
  runId: string | null;
  /** A checkpoint being read (request id and its run label / file name). */
  loading: { id: number; name: string } | null;
  info: TeacherVisionInfo | null;
  error: string | null;
}

export interface TeacherSlice {
  teacher: TeacherUiState;
  patchTeacher(p: Patch<TeacherUiState>): void;
}

export const createTeacherSlice: StateCreator<State, [], [], TeacherSlice> = (set) => ({
  teacher: { loading: null, info: null, error: null, adapter: 'linear', hidden: 0, blocks: DEFAULT_ADAPTER_BLOCKS, datasetKey: null, frozen: {}, vision: { choice: 'scratch', runId: null, loading: null, info: null, error: null } },
  patchTeacher: (p) => set((s) => ({ teacher: merge(s.teacher, p) })),
});
