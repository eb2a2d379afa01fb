// The experiment's results table and comparisons, with Multi-Bootstrap CIs (src/analysis/summary.ts),
// formatted for the HTML report and the README.
import { formatCI } from '../analysis/bootstrap';
import { METRICS, type MetricKey, compareConfigs, summarizeRuns } from '../analysis/summary';
import type { RunResultJson } from './spec';

export interface ExperimentSummary {
  /** One row per preset: column label → "mean [lo, hi]". */
  rows: Record<string, string>[];
  /** Each preset vs the first one (the baseline), on retrieval R@1 both ways. */
  comparisons: { a: string; b: string; metric: MetricKey; diff: number; ci: [number, number]; p: number; verdict: string }[];
  note: string;
}

const TABLE: MetricKey[] = ['valLoss', 'i2t@1', 't2i@1', 'i2t@10', 'zeroShot', 'zeroShotHeldOut', 'modalityGap', 'alignment', 'uniformity'];

export function summarizeExperiment(runs: RunResultJson[], presets: string[]): ExperimentSummary {
  const ok = runs.filter((r) => r.final);
  const table = summarizeRuns(ok, { metrics: TABLE, replicates: 1000 });
  const label = (k: MetricKey) => METRICS.find((m) => m.key === k)?.label ?? k;
  const rows = table.map((row) => {
    const out: Record<string, string> = {
      preset: row.preset,
      seeds: String(row.seeds.length),
      params: row.params ? `${(row.params.total / 1000).toFixed(1)}k (${(row.params.shared / 1000).toFixed(1)}k shared)` : '–',
    };
    for (const k of TABLE) {
      const r = row.metrics[k];
      out[label(k)] = r ? `${r.mean.toFixed(3)} [${r.ci[0].toFixed(3)}, ${r.ci[1].toFixed(3)}]` : '–';
    }
    return out;
  });
  const comparisons: ExperimentSummary['comparisons'] = [];
  const base = presets[0];
  for (const p of presets.slice(1)) {
    for (const metric of ['i2t@1', 't2i@1'] as MetricKey[]) {
      const c = compareConfigs(ok, p, base, metric, { replicates: 1000 });
      if (c) comparisons.push({ a: p, b: base, metric, diff: c.diff, ci: c.ci, p: c.pOneSided, verdict: c.verdict });
    }
  }
  const sizes = table[0]?.metrics['i2t@1'];
  return {
    rows,
    comparisons,
    note: `Mean [95% CI] by Multi-Bootstrap (seeds and evaluation examples resampled jointly, 1,000 replicates${sizes ? `; e.g. ${formatCI(sizes)}` : ''}). Recall and zero-shot accuracy resample examples too; aggregate metrics (loss, gap, alignment, uniformity) are bootstrapped over seeds only.`,
  };
}
