import { describe, expect, it } from 'vitest';
import { SESSION_VERSION, restoreSession } from './persist';
import type { RunInfo } from './runsSlice';

const run = (id: string, status: RunInfo['status'], extra: Partial<RunInfo> = {}): RunInfo => ({
  id,
  label: id,
  preset: 'separate',
  seed: 0,
  color: '#000',
  status,
  steps: [
    { step: 1, loss: 4, gradNorm: 1, skipped: false, logitScale: 14, lr: 1e-3 },
    { step: 2, loss: 3.9, gradNorm: 1, skipped: false, logitScale: 14, lr: 1e-3 },
  ],
  stepsPerSec: 3,
  evals: [],
  ...extra,
});

describe('restoreSession', () => {
  it('brings runs back; active ones become paused + interrupted with a message saying where they resume', () => {
    const runs = { 'run-0': run('run-0', 'done'), 'run-3': run('run-3', 'running', { checkpointStep: 2 }), 'run-4': run('run-4', 'queued') };
    const r = restoreSession({ version: SESSION_VERSION, savedAt: 0, runs, order: ['run-0', 'run-3', 'run-4'], nextRun: 2 });
    expect(r?.order).toEqual(['run-0', 'run-3', 'run-4']);
    expect(r?.runs['run-0']).toEqual(runs['run-0']);
    expect(r?.runs['run-3'].status).toBe('paused');
    expect(r?.runs['run-3'].interrupted).toBe(true);
    expect(r?.runs['run-3'].message).toMatch(/checkpoint at step 2/);
    expect(r?.runs['run-4'].message).toMatch(/step 0 \(no checkpoint/);
    expect(r?.runs['run-3'].steps).toHaveLength(2);
    expect(r?.nextRun).toBe(5); // never reuses an id (checkpoints are keyed by run id)
  });

  it('drops damaged entries and refuses foreign data without throwing', () => {
    expect(restoreSession(null)).toBeNull();
    expect(restoreSession({ version: 99, runs: {}, order: [] })).toBeNull();
    expect(restoreSession('x')).toBeNull();
    const r = restoreSession({
      version: SESSION_VERSION,
      runs: { a: { id: 'b' }, 'run-1': run('run-1', 'done'), __proto__: { polluted: true } },
      order: ['a', 'run-1', 'missing', '__proto__'],
      nextRun: 'x',
    });
    expect(r?.order).toEqual(['run-1']);
    expect(r?.nextRun).toBe(2);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
