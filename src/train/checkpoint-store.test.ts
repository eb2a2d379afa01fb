import { describe, expect, it } from 'vitest';
import { isQuotaError, pruneOrder } from './checkpoint-store';

describe('checkpoint pruning policy', () => {
  it('prunes checkpoints of finished runs oldest first, never an unfinished or protected one', () => {
    const stored = [
      { runId: 'run-2', savedAt: 30, final: true },
      { runId: 'run-0', savedAt: 10, final: true },
      { runId: 'run-1', savedAt: 20, final: true },
      { runId: 'run-3', savedAt: 5, final: true },
      { runId: 'run-4', savedAt: 1, final: false }, // unfinished (maybe interrupted by a reload): kept
    ];
    expect(pruneOrder(stored, new Set(['run-3']))).toEqual(['run-0', 'run-1', 'run-2']);
    expect(pruneOrder(stored, new Set(['run-0', 'run-1', 'run-2', 'run-3']))).toEqual([]);
  });

  it('recognises quota errors by name or message only', () => {
    expect(isQuotaError({ name: 'QuotaExceededError' })).toBe(true);
    expect(isQuotaError(new Error('The quota has been exceeded.'))).toBe(true);
    expect(isQuotaError(new Error('transaction aborted'))).toBe(false);
    expect(isQuotaError(undefined)).toBe(false);
  });
});
