import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng';
import { configRows, type FinishedRun, flattenConfigRows } from './config-table';
import { compareConfigs } from './summary';

const Ni = 30;
function run(id: string, preset: string, seed: number, skill: number, lr = 1e-3): FinishedRun {
  const rng = new Rng(seed * 97 + preset.length + Math.round(lr * 1e4));
  const rank = (n: number) => Math.min(n - 1, Math.floor(rng.next() ** (1 + skill) * n));
  const i2tRank = Array.from({ length: Ni }, () => rank(Ni));
  const t2iRank = Array.from({ length: Ni }, () => rank(Ni));
  const at = (r: number[], k: number) => r.filter((x) => x < k).length / r.length;
  return {
    id,
    preset,
    seed,
    config: { vision: { width: 16 } },
    hyper: { lr, evalEvery: 3 },
    trainLoss: 3 - skill + 0.1 * seed,
    wallSeconds: 10 + seed,
    params: { total: 100, shared: preset === 'separate' ? 0 : 40, visionOnly: 30, textOnly: 30, other: 0 },
    final: {
      valLoss: 3 - skill,
      i2t: { 1: at(i2tRank, 1), 5: at(i2tRank, 5), 10: at(i2tRank, 10) },
      t2i: { 1: at(t2iRank, 1), 5: at(t2iRank, 5), 10: at(t2iRank, 10) },
      zeroShot: 0.2 + 0.01 * seed,
      modalityGap: 1,
      alignment: 1,
      uniformity: -1,
      perExample: { i2tRank, t2iRank },
    },
  };
}

describe('configRows', () => {
  const runs = [run('a0', 'separate', 0, 0), run('b0', 'shared-all', 0, 3), run('a1', 'separate', 1, 0), run('b1', 'shared-all', 1, 3), run('c0', 'separate', 0, 0, 3e-3)];
  const rows = configRows(runs, { replicates: 300 });

  it('one row per configuration; a preset under other settings is its own config', () => {
    expect(rows.map((r) => [r.config, r.basePreset, r.seeds, r.runIds])).toEqual([
      ['separate', 'separate', [0, 1], ['a0', 'a1']],
      ['shared-all', 'shared-all', [0, 1], ['b0', 'b1']],
      ['separate (2)', 'separate', [0], ['c0']],
    ]);
  });

  it('recall CIs resample seeds and examples; loss and wall time get a t-interval over seeds', () => {
    const r = rows[0];
    expect(r.metrics['i2t@1']).toMatchObject({ seeds: 2, examples: Ni, resampled: 'seeds+examples', method: 'multi-bootstrap' });
    expect(r.metrics.zeroShot).toMatchObject({ seeds: 2, examples: 1, resampled: 'seeds', method: 't-interval' });
    expect(r.trainLoss?.mean).toBeCloseTo(3.05, 12);
    expect(r.wallSeconds?.mean).toBeCloseTo(10.5, 12);
    // wall times 10 and 11: sd = 1/√2, se = 1/2, t_{0.975, 1} = 12.706 → 10.5 ± 6.353 (a bootstrap of
    // two values would stay inside [10, 11], far too narrow).
    expect(r.wallSeconds?.ci[0]).toBeCloseTo(10.5 - 12.7062 / 2, 3);
    expect(r.wallSeconds?.ci[1]).toBeCloseTo(10.5 + 12.7062 / 2, 3);
  });

  it('flattens to CSV columns with mean / lo / hi / examples', () => {
    const flat = flattenConfigRows(rows);
    expect(flat).toHaveLength(3);
    expect(flat[0]).toMatchObject({ config: 'separate', preset: 'separate', seeds: '0 1', params: 100, shared: 0, 'i2t@1_examples': Ni, zeroShot_examples: 1 });
    const m = rows[1].metrics['t2i@5'];
    expect(flat[1]['t2i@5_lo']).toBeCloseTo(m?.ci[0] ?? Number.NaN, 4);
    expect(Object.keys(flat[0])).toContain('wallSeconds_hi');
  });

  it('the renamed runs feed compareConfigs (paired by seed)', () => {
    const named = runs.map((r) => ({ ...r, preset: r.id === 'c0' ? 'separate (2)' : r.preset }));
    const c = compareConfigs(named, 'shared-all', 'separate', 'i2t@10', { replicates: 500 });
    expect(c?.pairedSeeds).toEqual([0, 1]);
    expect(c?.diff).toBeGreaterThan(0);
  });
});
