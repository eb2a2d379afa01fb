// The per-configuration statistics of each evaluation set (ConfigTable's column groups): the same
// summarizeRuns as the own split, on the runs' metrics of that set (onEvalSet), paired by seed likewise.
import { asConfigRuns } from '../../analysis/config-table';
import type { BootstrapOptions } from '../../analysis/bootstrap';
import { type MetricKey, type SummaryRow, summarizeRuns } from '../../analysis/summary';
import { type FinishedWithSets, onEvalSet } from './useFinishedRuns';

/** What a set's column group shows: R@1 both ways, zero-shot when the set is labelled. */
export const SET_METRICS: { key: MetricKey; label: string }[] = [
  { key: 'i2t@1', label: 'I→T R@1' },
  { key: 't2i@1', label: 'T→I R@1' },
  { key: 'zeroShot', label: 'zero-shot' },
];

export interface SetGroup {
  set: string;
  /** The metrics some config has on this set (zero-shot only for a labelled set). */
  metrics: { key: MetricKey; label: string }[];
  /** By configuration name (as the own-split rows name them). */
  rows: Map<string, SummaryRow>;
}

export function evalSetGroups(runs: FinishedWithSets[], sets: readonly string[], opts: BootstrapOptions = {}): SetGroup[] {
  const named = asConfigRuns(runs);
  return sets.map((set) => {
    const rows = summarizeRuns(onEvalSet(named, set), { ...opts, metrics: SET_METRICS.map((m) => m.key) });
    const metrics = SET_METRICS.filter((m) => m.key !== 'zeroShot' || rows.some((r) => r.metrics[m.key]));
    return { set, metrics, rows: new Map(rows.map((r) => [r.preset, r])) };
  });
}
