// Session persistence: the run list with its metric history, evaluations and analysis payloads, kept
// in IndexedDB (database "sharelab-session", separate from the checkpoints' "sharelab") so a reload or
// a closed tab brings them back. The experiment itself lives in the URL hash; model weights live in
// the checkpoint store. Writes are debounced by the caller; a failed write is reported, never silent.
import { type Picks, restorePicks } from './picks';
import type { RunInfo } from './runsSlice';

import { idbStore } from '../storage/idb';

const DB = 'sharelab-session';
const STORE = 'kv';
const KEY = 'runs';
export const SESSION_VERSION = 1;

export interface PersistedSession {
  version: number;
  savedAt: number;
  runs: Record<string, RunInfo>;
  order: string[];
  nextRun: number;
  /** Each picker's chosen run or configuration (absent in sessions saved before pickers were kept). */
  picks?: Picks;
}

const isRecord = <T>(v: Record<string, T> | undefined): v is Record<string, T> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * What a restored session looks like in the UI (pure): runs that were queued, running or paused when
 * the page went away become "paused, interrupted" — Resume continues from their last checkpoint.
 * Planned, finished, stopped and failed runs come back as they were (their model not yet loaded). Unknown or damaged entries are
 * dropped rather than crashing the app.
 */
export function restoreSession(p: unknown): { runs: Record<string, RunInfo>; order: string[]; nextRun: number; picks: Picks } | null {
  if (!p || typeof p !== 'object') return null;
  const s = p as Partial<PersistedSession>;
  if (s.version !== SESSION_VERSION || !s.runs || typeof s.runs !== 'object' || !Array.isArray(s.order)) return null;
  const runs: Record<string, RunInfo> = {};
  const order: string[] = [];
  for (const id of s.order) {
    const r = Object.hasOwn(s.runs, id) ? s.runs[id] : undefined;
    if (typeof id !== 'string' || !r || typeof r !== 'object' || r.id !== id || !Array.isArray(r.steps) || !Array.isArray(r.evals)) continue;
    const active = r.status === 'queued' || r.status === 'running' || r.status === 'paused';
    // A new page's worker holds no model: a finished run answers again once its model is re-attached.
    // Evaluation-set results (absent in sessions saved before them) are kept only as plain name → value maps.
    const { model: _none, evalSets, evalSnapshots, ...rest } = r;
    const saved: RunInfo = { ...rest, ...(isRecord(evalSets) ? { evalSets } : {}), ...(isRecord(evalSnapshots) ? { evalSnapshots } : {}) };
    const last = r.steps[r.steps.length - 1]?.step ?? 0;
    runs[id] = active
      ? {
          ...saved,
          status: 'paused',
          interrupted: true,
          stepsPerSec: 0,
          message: `interrupted at step ${last} by a reload — Resume continues from ${r.checkpointStep !== undefined ? `the checkpoint at step ${r.checkpointStep}` : 'step 0 (no checkpoint was saved)'}`,
        }
      : saved;
    order.push(id);
  }
  const maxId = Math.max(-1, ...order.map((id) => Number(/^run-(\d+)$/.exec(id)?.[1] ?? -1)));
  const nextRun = Math.max(typeof s.nextRun === 'number' && Number.isInteger(s.nextRun) ? s.nextRun : 0, maxId + 1);
  return { runs, order, nextRun, picks: restorePicks(s.picks) };
}

const { tx } = idbStore(DB, STORE);

export const saveSession = (s: Omit<PersistedSession, 'version' | 'savedAt'>) =>
  tx('readwrite', (st) => st.put({ ...s, version: SESSION_VERSION, savedAt: Date.now() }, KEY)).then(() => undefined);
export const loadSession = () => tx<unknown>('readonly', (st) => st.get(KEY));
export const clearSession = () => tx('readwrite', (st) => st.delete(KEY)).then(() => undefined);
