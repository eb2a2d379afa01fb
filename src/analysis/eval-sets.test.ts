// Evaluation sets in the per-config table: one column group per set, the same Multi-Bootstrap as the
// own-split columns (computed on the runs' metrics on that set), zero-shot only where the set is labelled.
import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng';
import { configRows, type FinishedRun, flattenConfigRows } from './config-table';
import { evalSetNames, onEvalSet } from './eval-sets';
import { summarizeRuns } from './summary';

const Ni = 40;
const t2iImage = Array.from({ length: 2 * Ni }, (_, j) => j >> 1);

/** Final metrics with per-example ranks whose R@1 is about `p`; zero-shot when labelled. */
function finalOf(rng: Rng, p: number, labelled: boolean) {
  const i2tRank = Array.from({ length: Ni }, () => (rng.next() < p ? 0 : 3));
  const t2iRank = t2iImage.map(() => (rng.next() < p ? 0 : 3));
  const r1 = (r: number[]) => r.filter((x) => x === 0).length / r.length;
  const zs = Array.from({ length: Ni }, () => (rng.next() < p ? 1 : 0));
  return {
    valLoss: 2,
    i2t: { 1: r1(i2tRank) },
    t2i: { 1: r1(t2iRank) },
    ...(labelled ? { zeroShot: r1(zs.map((v) => 1 - v)) } : {}),
    perExample: { i2tRank, t2iRank, t2iImage, ...(labelled ? { zeroShot: zs } : {}) },
  };
}

function run(preset: string, seed: number, own: number, shifted: number, evaluated = true): FinishedRun {
  const rng = new Rng(seed * 31 + preset.length);
  return {
    id: `${preset}-${seed}`,
    preset,
    seed,
    config: {},
    hyper: {},
    final: finalOf(rng, own, true),
    ...(evaluated ? { evalSets: { sketches: finalOf(rng, shifted, false), 'other-seed': finalOf(rng, own, true) } } : {}),
  };
}

describe('evaluation sets in the per-config table', () => {
  const runs = [1, 2, 3].flatMap((s) => [run('separate', s, 0.8, 0.3), run('shared-all', s, 0.6, 0.5)]);
  const rows = configRows(runs, { replicates: 300 });

  it('one group per set, R@1 both ways, zero-shot only on the labelled set', () => {
    expect(evalSetNames(runs)).toEqual(['sketches', 'other-seed']);
    expect(Object.keys(rows[0].evalSets)).toEqual(['sketches', 'other-seed']);
    expect(Object.keys(rows[0].evalSets.sketches)).toEqual(['i2t@1', 't2i@1']);
    expect(Object.keys(rows[0].evalSets['other-seed'])).toEqual(['i2t@1', 't2i@1', 'zeroShot']);
  });

  it('the same statistics as summarizeRuns on the runs seen through the set (clustered t2i)', () => {
    const direct = summarizeRuns(onEvalSet(runs, 'sketches'), { metrics: ['i2t@1', 't2i@1'], replicates: 300 });
    for (const [i, row] of rows.entries()) {
      expect(row.evalSets.sketches['i2t@1']).toEqual(direct[i].metrics['i2t@1']);
      expect(row.evalSets.sketches['t2i@1']?.examples).toBe(2 * Ni);
      expect(row.evalSets.sketches['t2i@1']?.caveat ?? '').not.toMatch(/resampled independently/);
    }
    // the shift shows: separate is better on its own split, worse on the sketches
    const [sep, sh] = rows;
    expect(sep.metrics['i2t@1']!.mean).toBeGreaterThan(sh.metrics['i2t@1']!.mean);
    expect(sep.evalSets.sketches['i2t@1']!.mean).toBeLessThan(sh.evalSets.sketches['i2t@1']!.mean);
  });

  it('flat CSV columns per set; a config without the set gets null', () => {
    const flat = flattenConfigRows(rows);
    expect(flat[0]['sketches:i2t@1_mean']).toBeCloseTo(rows[0].evalSets.sketches['i2t@1']!.mean, 4);
    expect(flat[0]).toHaveProperty('other-seed:zeroShot_lo');
    const mixed = configRows([...runs, run('shared-attn', 1, 0.5, 0.5, false)], { replicates: 100 });
    expect(mixed[2].evalSets.sketches).toEqual({ 'i2t@1': null, 't2i@1': null });
  });
});
