// The tuner hook's table bookkeeping: which logged shapes still need timing, and a merge that only grows
// the stored table (a stored choice is never re-timed, so it cannot flip between two runs).
import { describe, expect, it } from 'vitest';
import type { TuneEntry, TuneTable } from '../kernels/tuner';
import { isSoftwareAdapter, mergeTables, untuned } from './tuning';

const key = { adapter: 'a', browser: 'b', kernelVersion: 'k' };
const entry = (family: string, shape: string, best: string, ms = 1): TuneEntry => ({ family, shape, best, ms, times: { [best]: ms } });
const table = (entries: TuneEntry[], tookMs = 10, truncated = false): TuneTable => ({ key, id: 'a | b | k', createdAt: String(tookMs), tookMs, truncated, entries });

describe('untuned', () => {
  it('keeps the logged shapes the table lacks, in log order', () => {
    const log = [
      { family: 'matmul', shape: '4x8x8 nn' },
      { family: 'attention', shape: 'B2 T5' },
      { family: 'matmul', shape: '4x8x16 nt' },
    ];
    expect(untuned(log, undefined)).toEqual(log);
    expect(untuned(log, table([entry('matmul', '4x8x8 nn', 'vec4')]))).toEqual([log[1], log[2]]);
    // Same shape string, other family: still untuned.
    expect(untuned([{ family: 'layernorm', shape: '4x8x8 nn' }], table([entry('matmul', '4x8x8 nn', 'vec4')]))).toHaveLength(1);
  });
});

describe('mergeTables', () => {
  it('adds the fresh entries to the stored ones and never drops a stored choice', () => {
    const stored = table([entry('matmul', 's1', 'vec4'), entry('attention', 'a1', 'direct')], 30);
    const fresh = table([entry('matmul', 's2', 'tiled4')], 12, true);
    const m = mergeTables(stored, fresh);
    expect(m.entries.map((e) => `${e.family}|${e.shape}=${e.best}`)).toEqual(['matmul|s1=vec4', 'attention|a1=direct', 'matmul|s2=tiled4']);
    expect(m.tookMs).toBe(42);
    expect(m.truncated).toBe(true);
    expect(m.createdAt).toBe(fresh.createdAt);
  });
  it('a fresh entry for a stored shape replaces it (a forced re-tune); no stored table: the fresh one', () => {
    const stored = table([entry('matmul', 's1', 'vec4')]);
    expect(mergeTables(stored, table([entry('matmul', 's1', 'naive')])).entries.map((e) => e.best)).toEqual(['naive']);
    const fresh = table([entry('matmul', 's1', 'naive')]);
    expect(mergeTables(undefined, fresh)).toBe(fresh);
  });
});

describe('isSoftwareAdapter', () => {
  it('names the CPU adapters runs do not tune on', () => {
    expect(isSoftwareAdapter('google swiftshader')).toBe(true);
    expect(isSoftwareAdapter('mesa llvmpipe (LLVM 15)')).toBe(true);
    expect(isSoftwareAdapter('nvidia ampere NVIDIA GeForce RTX 3060')).toBe(false);
  });
});
