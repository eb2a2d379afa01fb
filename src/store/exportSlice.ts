// Export slice: ONNX exports of this session, per run: phase, the files and the parity report (not
// persisted, not in the URL). The worker client and ./onnx-receive.ts write it, the UI reads it.
import type { StateCreator } from 'zustand';
import type { ExportBundle } from '../export/bundle';
import type { ParityReport } from '../export/parity';
import type { State } from './types';

export type ExportPhase = 'exporting' | 'checking' | 'done' | 'error';

export interface ExportEntry {
  phase: ExportPhase;
  label: string;
  error?: string;
  bundle?: ExportBundle;
  report?: ParityReport;
  /** The zip (both .onnx + sidecar with the parity figures) the export downloads. */
  zipName?: string;
}

export interface ExportSlice {
  exports: Record<string, ExportEntry>;
  patchExport(id: string, patch: Partial<ExportEntry> & { label?: string }): void;
}

export const createExportSlice: StateCreator<State, [], [], ExportSlice> = (set) => ({
  exports: {},
  patchExport: (id, patch) =>
    set((s) => {
      const prev = s.exports[id] ?? { phase: 'exporting' as const, label: id };
      return { exports: { ...s.exports, [id]: { ...prev, ...patch } } };
    }),
});
