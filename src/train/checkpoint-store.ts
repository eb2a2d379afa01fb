// Checkpoints kept in IndexedDB (available in workers), one record per run id: the latest
// safetensors bytes plus when and at which step it was saved. A failed write (quota exceeded, private
// mode) is reported to the caller, never swallowed.

import { idbStore } from '../storage/idb';

const DB = 'sharelab';
const STORE = 'checkpoints';

export interface StoredCheckpoint {
  runId: string;
  step: number;
  savedAt: number;
  bytes: Uint8Array;
  /** Saved at the end of a finished or stopped run: the only kind pruning may delete. */
  final?: boolean;
}

const { tx } = idbStore(DB, STORE, 'runId');

export const saveCheckpoint = (c: StoredCheckpoint) => tx('readwrite', (s) => s.put(c)).then(() => undefined);
export const loadCheckpoint = (runId: string) => tx<StoredCheckpoint | undefined>('readonly', (s) => s.get(runId));
export const deleteCheckpoint = (runId: string) => tx('readwrite', (s) => s.delete(runId)).then(() => undefined);

/** Every stored checkpoint's run, step, time and size (bytes dropped right away). */
export async function listCheckpoints(): Promise<{ runId: string; step: number; savedAt: number; size: number; final: boolean }[]> {
  const all = await tx<StoredCheckpoint[]>('readonly', (s) => s.getAll());
  return all.map((c) => ({ runId: c.runId, step: c.step, savedAt: c.savedAt, size: c.bytes.byteLength, final: c.final === true }));
}

/** True for the browser's "storage full" failure (name differs across engines and wrappers). */
export function isQuotaError(e: unknown): boolean {
  const name = (e as { name?: string })?.name ?? '';
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || /quota/i.test(String((e as Error)?.message ?? e));
}

/**
 * Which stored checkpoints to delete, in order, to make room for a new one: only final checkpoints of
 * finished runs (an unfinished run — even one interrupted by a reload, unknown to the worker — needs
 * its checkpoint to resume), never those of `protect`, oldest first.
 */
export function pruneOrder(stored: { runId: string; savedAt: number; final: boolean }[], protect: ReadonlySet<string>): string[] {
  return stored
    .filter((c) => c.final && !protect.has(c.runId))
    .sort((a, b) => a.savedAt - b.savedAt || (a.runId < b.runId ? -1 : 1))
    .map((c) => c.runId);
}

/** For tests: pretend the origin's storage holds at most `bytes` of checkpoints (null = real quota). */
let simulatedQuota: number | null = null;
export function simulateQuota(bytes: number | null): void {
  simulatedQuota = bytes;
}

/**
 * Save, pruning old checkpoints of finished runs (oldest first) when storage is full. Returns what was
 * pruned so the caller can tell the user; throws when even pruning everything allowed does not help.
 */
export async function saveWithPruning(c: StoredCheckpoint, protect: ReadonlySet<string> = new Set()): Promise<{ pruned: { runId: string; step: number }[] }> {
  const pruned: { runId: string; step: number }[] = [];
  for (;;) {
    try {
      if (simulatedQuota !== null) {
        const used = (await listCheckpoints()).filter((x) => x.runId !== c.runId).reduce((s, x) => s + x.size, 0);
        if (used + c.bytes.byteLength > simulatedQuota) throw new DOMException('simulated: storage quota exceeded', 'QuotaExceededError');
      }
      await saveCheckpoint(c);
      return { pruned };
    } catch (e) {
      if (!isQuotaError(e)) throw e;
      const stored = await listCheckpoints();
      const victim = pruneOrder(stored, new Set([...protect, c.runId]))[0];
      if (!victim) throw e;
      await deleteCheckpoint(victim);
      pruned.push({ runId: victim, step: stored.find((x) => x.runId === victim)?.step ?? 0 });
    }
  }
}
