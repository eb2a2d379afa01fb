// Recompute a stored experiment's summary (src/experiment/summarize.ts) from its per-example results
// without retraining: results saved before the cluster bootstrap lack each text→image query's image,
// so it is rebuilt from the experiment's built-in dataset (deterministic in its seed), in the order
// the val set lists captions (src/data/prepare.ts: every caption of val image 0, then image 1, …).
import { builtinSet } from '../data/prepare';
import type { FinalLike, RunLike } from '../analysis/summary';
import { DEFAULT_DATASET, type DatasetSpec } from '../data/types';
import { type ExperimentSummary, summarizeExperiment } from './summarize';

export interface StoredResult {
  experiment: { presets: string[]; dataset?: Partial<DatasetSpec> };
  runs: RunLike[];
}

/** Caption → val-image index for the experiment's built-in dataset. */
export function valCaptionImages(dataset: Partial<DatasetSpec> = {}): number[] {
  const spec = { ...DEFAULT_DATASET, ...dataset };
  if (spec.kind !== 'builtin') throw new Error(`restats: only built-in datasets can be rebuilt, not "${spec.kind}"`);
  const set = builtinSet({ seed: spec.seed, count: spec.count, valCount: spec.valCount, heldOutCount: spec.heldOutCount, size: spec.size });
  return set.valIndex.flatMap((img, k) => set.captions[img].map(() => k));
}

/** The stored runs with `t2iImage` filled in where missing (checked against each run's query count). */
export function withImageMap(result: StoredResult): RunLike[] {
  const map = valCaptionImages(result.experiment.dataset);
  return result.runs.map((r) => {
    const pe = r.final?.perExample;
    if (!r.final || !pe || pe.t2iImage) return r;
    if (pe.t2iRank.length !== map.length) throw new Error(`restats: run ${r.preset}/${r.seed} has ${pe.t2iRank.length} text→image ranks, the dataset ${map.length} val captions`);
    const final: FinalLike = { ...r.final, perExample: { ...pe, t2iImage: map } };
    return { ...r, final };
  });
}

export function restats(result: StoredResult): ExperimentSummary {
  return summarizeExperiment(withImageMap(result), result.experiment.presets);
}
