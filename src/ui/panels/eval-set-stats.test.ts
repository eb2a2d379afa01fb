// The per-configuration column groups of evaluation sets: the same statistics as the own split, on each
// set's metrics, runs named and paired as the own-split rows are.
import { describe, expect, it } from 'vitest';
import { fakeMetrics as m } from '../../store/fake-metrics';
import { evalSetGroups } from './eval-set-stats';
import { type FinishedWithSets, onEvalSet } from './useFinishedRuns';


const run = (id: string, preset: string, seed: number, a: number, b: number): FinishedWithSets => ({
  id,
  preset,
  seed,
  final: m(0.9),
  evalSets: { photos: m(a, 0.5), drawings: m(b) },
});

describe('evalSetGroups', () => {
  const runs = [run('r0', 'separate', 0, 0.2, 0.1), run('r1', 'separate', 1, 0.4, 0.3), run('r2', 'shared-all', 0, 0.6, 0.5), { ...run('r3', 'shared-all', 1, 0, 0), evalSets: undefined }];

  it('one group per set, each config summarised on that set; zero-shot only where the set is labelled', () => {
    const groups = evalSetGroups(runs, ['photos', 'drawings'], { replicates: 200, seed: 1 });
    expect(groups.map((g) => g.set)).toEqual(['photos', 'drawings']);
    expect(groups[0].metrics.map((x) => x.key)).toEqual(['i2t@1', 't2i@1', 'zeroShot']);
    expect(groups[1].metrics.map((x) => x.key)).toEqual(['i2t@1', 't2i@1']);
    const sep = groups[0].rows.get('separate');
    expect(sep?.seeds).toEqual([0, 1]);
    expect(sep?.metrics['i2t@1']?.mean).toBeCloseTo(0.3, 10);
    expect(sep?.metrics['t2i@1']?.mean).toBeCloseTo(0.15, 10);
    // shared-all seed 1 was not evaluated on the sets: only seed 0 counts there.
    expect(groups[1].rows.get('shared-all')?.seeds).toEqual([0]);
    expect(groups[1].rows.get('shared-all')?.metrics['i2t@1']?.mean).toBeCloseTo(0.5, 10);
  });

  it('onEvalSet swaps in the set metrics and leaves the own split alone', () => {
    expect(onEvalSet(runs, null)).toBe(runs);
    expect(onEvalSet(runs, 'drawings').map((r) => r.final?.i2t?.[1])).toEqual([0.1, 0.3, 0.5, undefined]);
  });
});
