// ONNX exports of this session, per run: phase, the files and the parity report. A small store of its
// own (not persisted, not in the URL); the worker client and ./receive.ts write it, the UI reads it.
import { create } from 'zustand';
import type { ExportBundle } from './bundle';
import type { ParityReport } from './parity';

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

export interface ExportState {
  exports: Record<string, ExportEntry>;
}

export const useExports = create<ExportState>()(() => ({ exports: {} }));

export function patchExport(id: string, patch: Partial<ExportEntry> & { label?: string }): void {
  useExports.setState((s) => {
    const prev = s.exports[id] ?? { phase: 'exporting' as const, label: id };
    return { exports: { ...s.exports, [id]: { ...prev, ...patch } } };
  });
}
