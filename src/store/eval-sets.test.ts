// Evaluation sets on the store side (issue 19): the experiment format carries them (URL hash and JSON),
// validated with messages that name the set; the worker's 'done' / 'eval-set' land in the run and survive
// a session save; the results table gets one column group per set.
import { describe, expect, it } from 'vitest';
import type { EvalSetSpec } from '../data/types';
import { fakeMetrics } from './fake-metrics';
import type { EvalSnapshot } from '../train/types';
import { DEFAULT_EXPERIMENT, datasetProblem, freshEvalSetName, parseExperiment, serializeExperiment } from './experiment';
import { SESSION_VERSION, restoreSession } from './persist';
import { onReply } from './replies';
import { columnGroups, evalSetNames, resultRow, toCsv } from './results';
import type { RunInfo } from './runsSlice';
import { useStore } from './store';

const UPLOAD = 'ab'.repeat(32);
const SETS: EvalSetSpec[] = [
  { name: 'outlined-dark', kind: 'upload', upload: UPLOAD, count: 200 },
  { name: 'shapes-seed-7', kind: 'builtin', seed: 7, count: 64 },
];
const withSets = (evalSets: unknown) => JSON.stringify({ dataset: { ...DEFAULT_EXPERIMENT.dataset, evalSets } });


const snapshot = (n: number): EvalSnapshot => ({
  metrics: fakeMetrics(0.3),
  similarity: { n, values: new Float32Array(n * n) },
  projection: { n, image: new Float32Array(2 * n).fill(1), text: new Float32Array(2 * n), explained: [0.6, 0.2] },
});

describe('dataset.evalSets in the experiment format', () => {
  it('round-trips through the JSON file and the URL hash', () => {
    const e = { ...DEFAULT_EXPERIMENT, dataset: { ...DEFAULT_EXPERIMENT.dataset, evalSets: SETS } };
    const json = serializeExperiment(e);
    expect(parseExperiment(json)).toEqual({ ok: true, value: e });
    // The hash as boot.ts writes and reads it.
    const hash = `#${encodeURIComponent(json)}`;
    const back = parseExperiment(decodeURIComponent(hash.slice(1)));
    expect(back.ok && back.value.dataset.evalSets).toEqual(SETS);
  });

  it.each([
    [[{ name: 'has space', kind: 'builtin' }], /evalSets\[0\]\.name: expected a set name/],
    [[{ name: 'a', kind: 'photos' }], /evalSets\[0\]\.kind: unknown value "photos"/],
    [[{ name: 'a', kind: 'upload', upload: 'not-hex' }], /evalSets\[0\]\.upload: expected an upload id/],
    [[{ name: 'a', kind: 'builtin', colour: 1 }], /evalSets\[0\]: unknown key "colour"/],
    [[{ name: 'a', kind: 'builtin', count: 2 }], /evalSets\[0\]\.count: must be between 4 and/],
    [[{ name: 'a', kind: 'builtin' }, { name: 'a', kind: 'builtin', seed: 3 }], /evalSets\[1\] "a": the name is used twice/],
    [[{ name: 'a', kind: 'upload' }], /evalSets\[0\] "a": an upload set needs "upload"/],
    [[{ name: 'a', kind: 'builtin', upload: UPLOAD }], /evalSets\[0\] "a": a built-in set takes a seed and a count, not an upload/],
    [Array.from({ length: 9 }, (_, i) => ({ name: `s${i}`, kind: 'builtin' })), /evalSets: at most 8 entries, got 9/],
  ])('rejects %j', (sets, msg) => {
    const r = parseExperiment(withSets(sets));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(msg);
  });

  it('accepts a headless-runner path, but the browser asks for the upload instead', () => {
    const r = parseExperiment(withSets([{ name: 'photos', kind: 'upload', path: 'data/photos.zip' }]));
    if (!r.ok) throw new Error(r.error);
    expect(datasetProblem(r.value.dataset)).toMatch(/"photos": "data\/photos\.zip" is a path for the headless runner/);
    expect(datasetProblem({ ...r.value.dataset, evalSets: SETS })).toBeNull();
  });

  it('names a new set apart from the others', () => {
    expect(freshEvalSetName(SETS, 'outlined dark!')).toBe('outlined-dark-2');
    expect(freshEvalSetName(SETS, 'shapes-seed-8')).toBe('shapes-seed-8');
    expect(freshEvalSetName([], '%%%')).toBe('set');
  });
});

describe('worker replies with evaluation sets', () => {
  it("'done' keeps each set's metrics on the run, 'eval-set' its snapshot; a rewind drops both", () => {
    const s = useStore.getState();
    s.clearRuns();
    s.addRuns([{ preset: 'separate', seed: 0 }]);
    const id = useStore.getState().order[0];
    const own = fakeMetrics(0.4);
    const sets = { 'outlined-dark': fakeMetrics(0.2, 0.5), 'shapes-seed-7': fakeMetrics(0.1) };
    onReply({ type: 'eval-set', id, set: 'outlined-dark', snapshot: snapshot(3) });
    onReply({ type: 'done', id, final: own, wallMs: 1000, evalSets: sets });
    const r = useStore.getState().runs[id];
    expect(r.final).toEqual(own);
    expect(r.evalSets).toEqual(sets);
    expect(r.evalSnapshots?.['outlined-dark'].projection.n).toBe(3);
    // A 'done' without sets (a spec without any) leaves no empty map behind.
    s.addRuns([{ preset: 'separate', seed: 1 }]);
    const id2 = useStore.getState().order[1];
    onReply({ type: 'done', id: id2, final: own, wallMs: 1000 });
    expect(useStore.getState().runs[id2].evalSets).toBeUndefined();
    onReply({ type: 'rewind', id, step: 3 });
    expect(useStore.getState().runs[id].evalSets).toBeUndefined();
    expect(useStore.getState().runs[id].evalSnapshots).toBeUndefined();
  });

  it('the session keeps them across a reload; a damaged map is dropped', () => {
    const base: RunInfo = { id: 'run-0', label: 'r', preset: 'separate', seed: 0, color: '#000', status: 'done', steps: [], stepsPerSec: 0, evals: [] };
    const good = { ...base, evalSets: { a: fakeMetrics(0.3) }, evalSnapshots: { a: snapshot(2) } };
    const bad = { ...base, id: 'run-1', evalSets: [1, 2] as unknown as RunInfo['evalSets'] };
    const r = restoreSession({ version: SESSION_VERSION, savedAt: 0, runs: { 'run-0': good, 'run-1': bad }, order: ['run-0', 'run-1'], nextRun: 2 });
    expect(r?.runs['run-0'].evalSets).toEqual(good.evalSets);
    expect(r?.runs['run-0'].evalSnapshots?.a.projection.n).toBe(2);
    expect(r?.runs['run-1']).toBeDefined();
    expect(r?.runs['run-1'].evalSets).toBeUndefined();
  });
});

describe('results: one column group per evaluation set', () => {
  const run = (id: string, sets: RunInfo['evalSets']): RunInfo => ({
    id,
    label: id,
    preset: 'separate',
    seed: 0,
    color: '#000',
    status: 'done',
    steps: [{ step: 6, loss: 3, gradNorm: 1, skipped: false, logitScale: 14, lr: 1e-3 }],
    stepsPerSec: 1,
    evals: [],
    final: fakeMetrics(0.4),
    ...(sets ? { evalSets: sets } : {}),
  });
  const runs = [
    run('run-0', { 'outlined-dark': fakeMetrics(0.2, 0.5), 'shapes-seed-7': fakeMetrics(0.1) }),
    run('run-1', { 'shapes-seed-7': fakeMetrics(0.15) }),
    run('run-2', undefined),
  ];
  const rows = runs.map(resultRow);
  const OWN: [string, string][] = [['run', 'run'], ['i2tR1', 'I→T R@1'], ['t2iR1', 'T→I R@1'], ['zeroShot', 'zero-shot']];

  it('orders sets by the spec, then any other a run reports; a set nobody has is left out', () => {
    expect(evalSetNames(runs)).toEqual(['outlined-dark', 'shapes-seed-7']);
    expect(evalSetNames(runs, ['shapes-seed-7', 'gone'])).toEqual(['shapes-seed-7', 'outlined-dark']);
  });

  it('builds the groups: own split first, then each set with R@1 both ways and zero-shot only where labelled', () => {
    const groups = columnGroups(OWN, rows, evalSetNames(runs));
    expect(groups.map((g) => g.set)).toEqual([null, 'outlined-dark', 'shapes-seed-7']);
    expect(groups[0].cols.map((c) => c[0])).toEqual(['run', 'i2tR1', 't2iR1']); // no own zero-shot: the built-in val has none here
    expect(groups[1].cols.map((c) => c[0])).toEqual(['outlined-dark:i2tR1', 'outlined-dark:t2iR1', 'outlined-dark:zeroShot']);
    expect(groups[2].cols.map((c) => c[0])).toEqual(['shapes-seed-7:i2tR1', 'shapes-seed-7:t2iR1']);
    expect(rows[0]['outlined-dark:i2tR1']).toBe(0.2);
    expect(rows[0]['outlined-dark:t2iR1']).toBe(0.1);
    expect(rows[1]['shapes-seed-7:i2tR1']).toBe(0.15);
    expect(rows[1]['outlined-dark:i2tR1']).toBeUndefined();
  });

  it('the CSV holds every set column of every run, blank where a run has none', () => {
    const [head, r0, r1, r2] = toCsv(rows).trim().split('\n');
    const cols = head.split(',');
    expect(cols).toContain('outlined-dark:i2tR1');
    expect(cols).toContain('shapes-seed-7:uniformity');
    const at = (line: string, c: string) => line.split(',')[cols.indexOf(c)];
    expect(at(r0, 'outlined-dark:zeroShot')).toBe('0.5');
    expect(at(r1, 'outlined-dark:i2tR1')).toBe('');
    expect(at(r1, 'shapes-seed-7:i2tR1')).toBe('0.15');
    expect(at(r2, 'shapes-seed-7:i2tR1')).toBe('');
  });
});
