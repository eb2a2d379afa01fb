import { describe, expect, it } from 'vitest';
import type { EvalSnapshot } from '../train/types';
import { SESSION_VERSION, restoreSession } from './persist';
import { canAnswer, pickPair, pickRun, restorePicks } from './picks';
import type { RunInfo } from './runsSlice';

// Only the presence of a snapshot matters to the pickers; its contents are never read here.
const SNAP = {} as EvalSnapshot;
const run = (id: string, status: RunInfo['status'], extra: Partial<RunInfo> = {}): RunInfo => ({
  id,
  label: `shared-all · seed 2 (${id})`,
  preset: 'shared-all',
  seed: 2,
  color: '#000',
  status,
  steps: [],
  stepsPerSec: 0,
  evals: [],
  ...extra,
});
const byId = (...rs: RunInfo[]) => Object.fromEntries(rs.map((r) => [r.id, r]));

describe('canAnswer', () => {
  it('needs a finished, evaluated run whose model the worker holds', () => {
    expect(canAnswer(run('a', 'done', { snapshot: SNAP, model: 'ready' }), 'model')).toBe(true);
    expect(canAnswer(run('a', 'stopped', { snapshot: SNAP, model: 'ready' }), 'model')).toBe(true);
    expect(canAnswer(run('a', 'done', { snapshot: SNAP, model: 'attaching' }), 'model')).toBe(false);
    expect(canAnswer(run('a', 'done', { snapshot: SNAP }), 'model')).toBe(false);
    expect(canAnswer(run('a', 'done', { model: 'ready' }), 'model')).toBe(false); // never evaluated
    expect(canAnswer(run('a', 'paused', { snapshot: SNAP, model: 'ready' }), 'model')).toBe(false);
    expect(canAnswer(run('a', 'running', { snapshot: SNAP, model: 'ready' }), 'model')).toBe(false);
  });
  it('attention needs the end-of-run probe of a finished run', () => {
    const attention = {} as NonNullable<RunInfo['attention']>;
    expect(canAnswer(run('a', 'done', { attention }), 'attention')).toBe(true);
    expect(canAnswer(run('a', 'done'), 'attention')).toBe(false);
    expect(canAnswer(run('a', 'paused', { attention, interrupted: true }), 'attention')).toBe(false);
  });
});

describe('pickRun', () => {
  it('defaults to the first run (queue order) that can answer, never to one that cannot', () => {
    const runs = byId(run('run-1', 'done', { snapshot: SNAP, model: 'ready' }), run('run-0', 'paused', { snapshot: SNAP, interrupted: true }));
    const p = pickRun(runs, ['run-0', 'run-1'], 'model', undefined);
    expect(p.run?.id).toBe('run-1');
    expect(p.options.map((r) => r.id)).toEqual(['run-1']);
  });
  it('keeps the saved choice while it can answer, and falls back when it cannot', () => {
    const runs = byId(run('run-0', 'done', { snapshot: SNAP, model: 'ready' }), run('run-1', 'done', { snapshot: SNAP, model: 'ready' }));
    expect(pickRun(runs, ['run-0', 'run-1'], 'model', 'run-1').run?.id).toBe('run-1');
    expect(pickRun(runs, ['run-0', 'run-1'], 'model', 'run-9').run?.id).toBe('run-0');
    const gone = { ...runs, 'run-1': { ...runs['run-1'], model: undefined } };
    expect(pickRun(gone, ['run-0', 'run-1'], 'model', 'run-1').run?.id).toBe('run-0');
  });
  it('after a reload: offers nothing while the finished model reloads (the interrupted twin is never picked), then the same run as before', () => {
    // The reload spec's session: a finished run and its interrupted twin, same preset and seed, both evaluated once.
    const before = byId(run('run-0', 'done', { snapshot: SNAP, model: 'ready', checkpointStep: 300 }), run('run-1', 'running', { snapshot: SNAP, checkpointStep: 90 }));
    const saved = { version: SESSION_VERSION, savedAt: 0, runs: before, order: ['run-0', 'run-1'], nextRun: 2, picks: { retrieval: 'run-0', zeroShot: 'run-0' } };
    const r = restoreSession(JSON.parse(JSON.stringify(saved)));
    if (!r) throw new Error('session not restored');
    expect(r.runs['run-0'].model).toBeUndefined(); // a new page's worker holds no model
    const attaching = { ...r.runs, 'run-0': { ...r.runs['run-0'], model: 'attaching' as const } };
    const during = pickRun(attaching, r.order, 'model', r.picks.retrieval);
    expect(during.run).toBeUndefined();
    expect(during.loading.map((x) => x.id)).toEqual(['run-0']);
    const attached = { ...r.runs, 'run-0': { ...r.runs['run-0'], model: 'ready' as const } };
    expect(pickRun(attached, r.order, 'model', r.picks.retrieval).run?.id).toBe('run-0');
    expect(pickRun(attached, r.order, 'model', r.picks.zeroShot).run?.id).toBe('run-0');
  });
});

describe('pickPair', () => {
  it('keeps a saved pair, never the same configuration twice, else the first two', () => {
    expect(pickPair(['a', 'b', 'c'], 'c', 'a')).toEqual(['c', 'a']);
    expect(pickPair(['a', 'b', 'c'], 'b', 'b')).toEqual(['b', 'a']);
    expect(pickPair(['a', 'b'], 'gone', undefined)).toEqual(['a', 'b']);
    expect(pickPair(['a'], undefined, undefined)).toEqual(['a', undefined]);
  });
});

describe('restorePicks', () => {
  it('keeps string entries of known pickers only', () => {
    expect(restorePicks({ retrieval: 'run-0', attention: 3, other: 'x', compareB: 'clip' })).toEqual({ retrieval: 'run-0', compareB: 'clip' });
    expect(restorePicks(null)).toEqual({});
    expect(restorePicks('run-0')).toEqual({});
  });
});
