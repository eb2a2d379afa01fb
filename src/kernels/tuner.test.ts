import { afterEach, describe, expect, it } from 'vitest';
import {
  ChoiceCache,
  type Timer,
  type TuneTask,
  activeTuneTable,
  applyTable,
  keyString,
  memoryStore,
  sourceHash,
  startShapeLog,
  tableJson,
  takeShapeLog,
  tune,
  tunedVariant,
  withVariant,
} from './tuner';

// A fake device: each (shape, variant) has a fixed cost in ms; the timer "measures" it by running the
// recorded calls and reading the cost of the variant they ran. No clock involved.
const COST: Record<string, Record<string, number>> = {
  'A·Bᵀ 544×96×32': { direct: 3, vec4: 1, tiled4: 2 },
  'A·B 544×32×96': { direct: 2.5, vec4nn: 2.6, tiled4: 0.8 },
  'N=544 C=32': { direct: 0.4, reduce: 0.9 },
};

function fakeTasks() {
  const calls: string[] = [];
  let last = '';
  const task = (family: string, shape: string): TuneTask => ({
    family,
    shape,
    variants: Object.keys(COST[shape]),
    run: (v) => {
      calls.push(`${shape}:${v}`);
      last = `${shape}:${v}`;
    },
  });
  const timer: Timer = async (f, reps) => {
    for (let i = 0; i < reps; i++) f();
    const [shape, v] = last.split(':');
    return COST[shape][v];
  };
  const tasks = [task('matmul', 'A·Bᵀ 544×96×32'), task('matmul', 'A·B 544×32×96'), task('layernorm', 'N=544 C=32')];
  return { tasks, timer, calls };
}

const key = { adapter: 'Fake GPU', browser: 'test', kernelVersion: 'abc' };

afterEach(() => applyTable(undefined));

describe('autotuner', () => {
  it('picks the fastest variant per shape, with the runner-up', async () => {
    const { tasks, timer } = fakeTasks();
    const t = await tune(tasks, { key, store: memoryStore(), timer, reps: 3 });
    const best = Object.fromEntries(t.entries.map((e) => [e.shape, [e.best, e.runnerUp?.variant]]));
    expect(best).toEqual({
      'A·Bᵀ 544×96×32': ['vec4', 'tiled4'],
      'A·B 544×32×96': ['tiled4', 'direct'],
      'N=544 C=32': ['direct', 'reduce'],
    });
    expect(t.truncated).toBe(false);
    expect(tunedVariant('matmul', 'A·B 544×32×96')).toBe('tiled4');
    expect(tunedVariant('matmul', 'A·B 1×1×1')).toBeUndefined(); // untuned shape: the launcher's fixed rule
  });

  it('persists the table and reuses it on the next run without timing anything', async () => {
    const store = memoryStore();
    const first = fakeTasks();
    await tune(first.tasks, { key, store, timer: first.timer, reps: 2 });
    expect(store.tables.has(keyString(key))).toBe(true);
    // 8 variants over 3 shapes: one warm-up + 3 rounds × 2 timed calls each.
    expect(first.calls.length).toBe(8 * (1 + 3 * 2));

    applyTable(undefined);
    const second = fakeTasks();
    const t = await tune(second.tasks, { key, store, timer: second.timer });
    expect(second.calls).toEqual([]);
    expect(t.entries.find((e) => e.shape === 'N=544 C=32')?.best).toBe('direct');
    expect(tunedVariant('layernorm', 'N=544 C=32')).toBe('direct');
  });

  it('times again for another adapter / kernel version, for a shape the table lacks, and on force', async () => {
    const store = memoryStore();
    const a = fakeTasks();
    await tune(a.tasks.slice(0, 2), { key, store, timer: a.timer, reps: 1 });
    const b = fakeTasks();
    await tune(b.tasks, { key, store, timer: b.timer, reps: 1 }); // layernorm shape was missing
    expect(b.calls.length).toBeGreaterThan(0);
    const c = fakeTasks();
    await tune(c.tasks, { key: { ...key, kernelVersion: 'def' }, store, timer: c.timer, reps: 1 });
    expect(c.calls.length).toBeGreaterThan(0);
    expect(store.tables.size).toBe(2);
    const d = fakeTasks();
    await tune(d.tasks, { key, store, timer: d.timer, reps: 1, force: true });
    expect(d.calls.length).toBeGreaterThan(0);
  });

  it('stops at the budget and marks the table truncated (so it is re-tuned next time)', async () => {
    const { tasks, timer } = fakeTasks();
    let clock = 0;
    const slowTimer: Timer = async (f, reps) => {
      clock += 600;
      return timer(f, reps);
    };
    const lines: string[] = [];
    const t = await tune(tasks, { key, store: memoryStore(), timer: slowTimer, budgetMs: 1000, now: () => clock, onProgress: (l) => lines.push(l) });
    expect(t.truncated).toBe(true);
    expect(t.entries.length).toBe(1); // the first task's 3 variants × 3 rounds took 5400 ms > 1000
    expect(lines.at(-1)).toMatch(/budget/);
  });

  it('withVariant overrides the choice only inside the call; tableJson lists the choices', async () => {
    const { tasks, timer } = fakeTasks();
    await tune(tasks, { key, store: memoryStore(), timer, reps: 1 });
    expect(withVariant('layernorm', 'N=544 C=32', 'reduce', () => tunedVariant('layernorm', 'N=544 C=32'))).toBe('reduce');
    expect(tunedVariant('layernorm', 'N=544 C=32')).toBe('direct');
    const j = tableJson(activeTuneTable()) as { key: unknown; choices: { variant: string }[] };
    expect(j.key).toEqual(key);
    expect(j.choices.map((c) => c.variant)).toEqual(['vec4', 'tiled4', 'direct']);
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  });

  it('the shape log records each distinct (family, shape) once, only while on', () => {
    tunedVariant('matmul', 'x', { M: 1 });
    startShapeLog();
    tunedVariant('matmul', 'x', { M: 1 });
    tunedVariant('matmul', 'x', { M: 1 });
    tunedVariant('attention', 'y', { T: 17 });
    expect(takeShapeLog()).toEqual([
      { family: 'matmul', shape: 'x', spec: { M: 1 } },
      { family: 'attention', shape: 'y', spec: { T: 17 } },
    ]);
    tunedVariant('matmul', 'z', { M: 2 });
    expect(takeShapeLog()).toEqual([]);
  });

  it('sourceHash changes with any source', () => {
    expect(sourceHash(['a', 'b'])).not.toBe(sourceHash(['a', 'c']));
    expect(sourceHash(['a', 'b'])).toBe(sourceHash(['a', 'b']));
  });
});

describe('tuner loose ends (issue 17)', () => {
  it('skip: times nothing, applies no table, returns a table that records the fixed rule', async () => {
    const { tasks, timer, calls } = fakeTasks();
    const store = memoryStore();
    const t = await tune(tasks, { key, store, timer, reps: 1, skip: true });
    expect(calls).toEqual([]);
    expect(store.tables.size).toBe(0);
    expect(t.skipped).toBe(true);
    expect(tunedVariant('matmul', 'A·Bᵀ 544×96×32')).toBeUndefined();
    expect(tableJson(t)).toMatchObject({ skipped: true, rule: 'fixed', choices: [] });
  });

  it('re-tune (force) overwrites the re-timed entries and keeps the stored table’s other shapes', async () => {
    const store = memoryStore();
    const a = fakeTasks();
    await tune(a.tasks, { key, store, timer: a.timer, reps: 1 });
    const before = [...store.tables.values()][0];
    const b = fakeTasks();
    const slowVec4: Timer = async (f, reps) => {
      const ms = await b.timer(f, reps);
      return b.calls.at(-1)?.endsWith(':vec4') ? 10 : ms; // vec4 got slow: the re-tune must flip the choice
    };
    const t = await tune(b.tasks.slice(0, 1), { key, store, timer: slowVec4, reps: 1, force: true });
    expect(t.entries.map((e) => e.shape).sort()).toEqual(before.entries.map((e) => e.shape).sort());
    expect(t.entries.find((e) => e.shape === 'A·Bᵀ 544×96×32')?.best).toBe('tiled4');
    expect([...store.tables.values()][0].entries.find((e) => e.shape === 'A·Bᵀ 544×96×32')?.best).toBe('tiled4');
    expect(tunedVariant('layernorm', 'N=544 C=32')).toBe('direct');
  });

  it('ChoiceCache asks the slow path once per shape, again after the table changes, always while logging', () => {
    const cache = new ChoiceCache<string | undefined>();
    let asked = 0;
    const ask = () => {
      asked++;
      return tunedVariant('matmul', 'A·Bᵀ 544×96×32', { M: 544 });
    };
    expect(cache.choose([544, 96, 32], ask)).toBeUndefined();
    expect(cache.choose([544, 96, 32], ask)).toBeUndefined();
    expect(asked).toBe(1);
    cache.choose([544, 96, 33], ask);
    expect(asked).toBe(2);
    applyTable({ key, id: 'x', createdAt: '', tookMs: 0, truncated: false, entries: [{ family: 'matmul', shape: 'A·Bᵀ 544×96×32', best: 'vec4', ms: 1, times: {} }] });
    expect(cache.choose([544, 96, 32], ask)).toBe('vec4');
    expect(asked).toBe(3);
    expect(withVariant('matmul', 'A·Bᵀ 544×96×32', 'direct', () => cache.choose([544, 96, 32], ask))).toBe('direct');
    expect(cache.choose([544, 96, 32], ask)).toBe('vec4');
    startShapeLog();
    cache.choose([544, 96, 32], ask);
    cache.choose([544, 96, 32], ask);
    expect(takeShapeLog()).toHaveLength(1);
    expect(asked).toBe(7); // 3 so far, +1 inside withVariant, +1 after it, +2 while logging
  });
});
