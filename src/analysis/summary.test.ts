import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng';
import type { RunResultJson } from '../experiment/spec';
import type { EvalMetrics } from '../train/evaluate';
import { hitsAtK, pairedMultiBootstrap } from './bootstrap';
import { compareConfigs, type FinalLike, METRICS, type RunLike, summarizeRuns } from './summary';

// Type-level: the experiment runner's results and the evaluator's metrics fit the minimal shapes.
const _run = (r: RunResultJson): RunLike => r;
const _final = (m: EvalMetrics): FinalLike => m;
void _run;
void _final;

const Ni = 40; // val images
const Nt = 80; // captions
const frac = (ranks: number[], k: number) => hitsAtK(ranks, k).reduce((t, v) => t + v, 0) / ranks.length;

/** A synthetic finished run: ranks drawn so that `skill` shifts them towards 0. */
function fakeRun(preset: string, seed: number, skill: number, extra: Partial<FinalLike> = {}): RunLike {
  const rng = new Rng(seed * 1000 + preset.length);
  const rank = (n: number) => Math.min(n - 1, Math.floor(rng.next() ** (1 + skill) * n));
  const i2tRank = Array.from({ length: Ni }, () => rank(Nt));
  const t2iRank = Array.from({ length: Nt }, () => rank(Ni));
  const agg = (r: number[]) => ({ 1: frac(r, 1), 5: frac(r, 5), 10: frac(r, 10) });
  return {
    preset,
    seed,
    params: { total: 1000 + preset.length, shared: 0, visionOnly: 500, textOnly: 500, other: 1 },
    final: {
      valLoss: 3 - skill + 0.01 * seed,
      i2t: agg(i2tRank),
      t2i: agg(t2iRank),
      zeroShot: 0.3 + 0.1 * skill + 0.01 * seed,
      modalityGap: 0.8 - 0.01 * seed,
      alignment: 1.2,
      uniformity: -2 - 0.1 * seed,
      perExample: { i2tRank, t2iRank },
      ...extra,
    },
  };
}

describe('summarizeRuns', () => {
  const runs: RunLike[] = [
    fakeRun('small', 1, 0.5),
    fakeRun('big', 1, 3),
    fakeRun('small', 2, 0.5),
    fakeRun('big', 2, 3),
    fakeRun('small', 3, 0.5),
    { preset: 'big', seed: 3, final: null }, // failed run
  ];
  const rows = summarizeRuns(runs, { replicates: 500 });

  it('one row per config, seeds with a final evaluation, params', () => {
    expect(rows.map((r) => r.preset)).toEqual(['small', 'big']);
    expect(rows[0].seeds).toEqual([1, 2, 3]);
    expect(rows[1].seeds).toEqual([1, 2]);
    expect(rows[0].params?.total).toBe(1005);
    expect(Object.keys(rows[0].metrics).sort()).toEqual(METRICS.map((m) => m.key).sort());
  });

  it('recall: Multi-Bootstrap over seeds × per-example ranks, mean = average recall', () => {
    const small = runs.filter((r) => r.preset === 'small');
    for (const [key, dir, k, E] of [['i2t@1', 'i2t', 1, Ni], ['i2t@5', 'i2t', 5, Ni], ['t2i@10', 't2i', 10, Nt]] as const) {
      const cell = rows[0].metrics[key];
      expect(cell).toMatchObject({ seeds: 3, examples: E, resampled: 'seeds+examples' });
      const want = small.reduce((t, r) => t + (r.final?.[dir]?.[k] ?? 0), 0) / 3;
      expect(cell?.mean).toBeCloseTo(want, 12);
      expect(cell?.ci[0]).toBeLessThanOrEqual(want);
      expect(cell?.ci[1]).toBeGreaterThanOrEqual(want);
    }
    expect((rows[1].metrics['i2t@1']?.mean ?? 0) > (rows[0].metrics['i2t@1']?.mean ?? 1)).toBe(true);
  });

  it('aggregates: bootstrap over seeds only; absent metrics are null', () => {
    const loss = rows[0].metrics.valLoss;
    expect(loss).toMatchObject({ seeds: 3, examples: 1, resampled: 'seeds' });
    expect(loss?.mean).toBeCloseTo(2.5 + 0.02, 12);
    expect(loss?.caveat).toContain('seeds only');
    expect(rows[0].metrics.uniformity?.mean).toBeCloseTo(-2.2, 12);
    expect(rows[0].metrics.zeroShotHeldOut).toBeNull();
  });

  it('falls back to aggregate recall when a run lacks per-example ranks, and honours opts.metrics', () => {
    const r = summarizeRuns([fakeRun('x', 1, 1), fakeRun('x', 2, 1, { perExample: undefined })], { metrics: ['i2t@1'], replicates: 100 });
    expect(Object.keys(r[0].metrics)).toEqual(['i2t@1']);
    expect(r[0].metrics['i2t@1']).toMatchObject({ seeds: 2, examples: 1, resampled: 'seeds' });
  });
});

describe('compareConfigs', () => {
  // A has seeds 1–4 (seed 1 is an outlier), B has seeds 2–5; run order is scrambled.
  const runs: RunLike[] = [
    fakeRun('B', 5, 0),
    fakeRun('A', 3, 2),
    fakeRun('B', 2, 0),
    fakeRun('A', 1, 40, { valLoss: -100 }),
    fakeRun('B', 4, 0),
    fakeRun('A', 4, 2),
    fakeRun('A', 2, 2),
    fakeRun('B', 3, 0),
  ];

  it('pairs by seed and ignores unpaired seeds', () => {
    const c = compareConfigs(runs, 'A', 'B', 'i2t@1', { replicates: 800, seed: 3 });
    expect(c).not.toBeNull();
    if (!c) return;
    expect(c.pairedSeeds).toEqual([2, 3, 4]);
    expect(c.unpaired).toEqual({ A: [1], B: [5] });
    const get = (p: string, s: number) => runs.find((r) => r.preset === p && r.seed === s)?.final?.perExample?.i2tRank ?? [];
    const a = [2, 3, 4].map((s) => hitsAtK(get('A', s), 1));
    const b = [2, 3, 4].map((s) => hitsAtK(get('B', s), 1));
    const want = pairedMultiBootstrap(a, b, { replicates: 800, seed: 3 });
    expect(c.diff).toBe(want.diff);
    expect(c.ci).toEqual(want.ci);
    expect(c.pOneSided).toBe(want.pOneSided);
    expect(c.meanA - c.meanB).toBeCloseTo(c.diff, 12);
    expect(c).toMatchObject({ seeds: 3, examples: Ni, metric: 'i2t@1', presetA: 'A', presetB: 'B' });
    expect(c.verdict).toMatch(/^A > B .*3 seeds × 40 examples/);
    expect(c.better).toBe('A');
  });

  it('aggregate metrics compare over paired seeds only; better follows the metric direction', () => {
    const c = compareConfigs(runs, 'A', 'B', 'valLoss', { replicates: 500 });
    expect(c).toMatchObject({ seeds: 3, examples: 1, resampled: 'seeds', better: 'A' });
    expect(c?.diff).toBeCloseTo(-2, 12); // (3 − 2) − (3 − 0), seed terms cancel; outlier seed 1 unused
    expect(c?.verdict).toMatch(/^A < B/);
    const gap = compareConfigs(runs, 'A', 'B', 'modalityGap', { replicates: 200 });
    expect(gap?.better).toBeNull(); // no preferred direction
  });

  it('null when the configs share no seed or the metric is missing', () => {
    expect(compareConfigs([fakeRun('A', 1, 1), fakeRun('B', 2, 1)], 'A', 'B', 'i2t@1')).toBeNull();
    expect(compareConfigs(runs, 'A', 'B', 'zeroShotHeldOut')).toBeNull();
    expect(compareConfigs(runs, 'A', 'nope', 'i2t@1')).toBeNull();
  });

  it('zero-shot accuracy resamples examples when runs carry per-image correctness', () => {
    const correct = (seed: number, p: number) => {
      const rng = new Rng(seed);
      return Array.from({ length: 60 }, (): number => (rng.next() < p ? 1 : 0));
    };
    const zs = (preset: string, seed: number, p: number) => {
      const c = correct(seed * 7 + preset.length, p);
      return fakeRun(preset, seed, 1, { zeroShot: c.reduce((a, b) => a + b, 0) / c.length, perExample: { i2tRank: [0], t2iRank: [0], zeroShot: c } });
    };
    const runsZ = [1, 2, 3].flatMap((s) => [zs('A', s, 0.9), zs('B', s, 0.2)]);
    const c = compareConfigs(runsZ, 'A', 'B', 'zeroShot', { replicates: 500 });
    expect(c).toMatchObject({ seeds: 3, examples: 60, better: 'A' });
    expect(c?.ci[0]).toBeGreaterThan(0);
    expect(c?.resampled).toBe('seeds+examples');
  });
});
