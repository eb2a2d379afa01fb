// The experiment's results table and comparisons, with Multi-Bootstrap CIs (src/analysis/summary.ts),
// formatted for the HTML report and the README. The comparisons are one family: each carries its raw
// one-sided p and the Holm-adjusted one, and its verdict follows the adjusted p (src/analysis/family.ts).
import { formatCI } from '../analysis/bootstrap';
import { EVAL_SET_METRICS, evalSetNames, hasMetric, onEvalSet } from '../analysis/eval-sets';
import { adjustFamily } from '../analysis/family';
import { type Comparison, METRICS, type MetricKey, compareConfigs, type RunLike, summarizeRuns } from '../analysis/summary';

export interface ExperimentComparison {
  a: string;
  b: string;
  metric: MetricKey;
  /** The evaluation set the metric is on (absent: the runs' own validation split). */
  set?: string;
  diff: number;
  ci: [number, number];
  /** Raw one-sided p (share of replicates with the other sign; below 1/replicates means none). */
  p: number;
  /** Holm-adjusted p over every comparison of this summary. */
  pHolm: number;
  replicates: number;
  /** 'cluster multi-bootstrap' (text→image: images drawn with all their captions), 'multi-bootstrap', 't-interval'. */
  method: Comparison['method'];
  /** From the Holm-adjusted p. */
  verdict: string;
  /** The comparison's own verdict from its unadjusted CI. */
  verdictRaw: string;
}

export interface ExperimentSummary {
  /** One row per preset: column label → "mean [lo, hi]"; an evaluation set's columns are "<set> · <metric label>". */
  rows: Record<string, string>[];
  /** Each preset vs the first one (the baseline), on retrieval R@1 both ways, own split then each evaluation set. */
  comparisons: ExperimentComparison[];
  note: string;
}

const TABLE: MetricKey[] = ['valLoss', 'i2t@1', 't2i@1', 'i2t@10', 'zeroShot', 'zeroShotHeldOut', 'modalityGap', 'alignment', 'uniformity'];
const REPLICATES = 1000;

/** `runs`: RunResultJson (./spec.ts) or anything with the same preset/seed/final fields. */
export function summarizeExperiment(runs: RunLike[], presets: string[]): ExperimentSummary {
  const ok = runs.filter((r) => r.final);
  const table = summarizeRuns(ok, { metrics: TABLE, replicates: REPLICATES });
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
  // One column group per evaluation set: the same statistics on the runs seen through that set.
  const sets = evalSetNames(ok).map((name) => {
    const seen = onEvalSet(ok, name);
    const metrics = EVAL_SET_METRICS.filter((k) => hasMetric(seen, k));
    return { name, seen, metrics, table: summarizeRuns(seen, { metrics, replicates: REPLICATES }) };
  });
  rows.forEach((out, i) => {
    for (const s of sets) {
      const row = s.table.find((r) => r.preset === table[i].preset);
      for (const k of s.metrics) {
        const r = row?.metrics[k];
        out[`${s.name} · ${label(k)}`] = r ? `${r.mean.toFixed(3)} [${r.ci[0].toFixed(3)}, ${r.ci[1].toFixed(3)}]` : '–';
      }
    }
  });
  const raw: (Comparison & { set?: string })[] = [];
  const base = presets[0];
  for (const [set, runsOn] of [[undefined, ok] as const, ...sets.map((s) => [s.name, s.seen] as const)]) {
    for (const p of presets.slice(1)) {
      for (const metric of ['i2t@1', 't2i@1'] as MetricKey[]) {
        const c = compareConfigs(runsOn, p, base, metric, { replicates: REPLICATES });
        if (c) raw.push(set === undefined ? c : { ...c, set });
      }
    }
  }
  const adjusted = adjustFamily(raw);
  const comparisons = raw.map((c, i) => ({
    a: c.presetA,
    b: c.presetB,
    metric: c.metric,
    ...(c.set === undefined ? {} : { set: c.set }),
    diff: c.diff,
    ci: c.ci,
    p: c.pOneSided,
    pHolm: adjusted[i].pHolm,
    replicates: c.replicates,
    method: c.method,
    verdict: adjusted[i].verdict,
    verdictRaw: c.verdict,
  }));
  const sizes = table[0]?.metrics['t2i@1'] ?? table[0]?.metrics['i2t@1'];
  return {
    rows,
    comparisons,
    note: `Mean [95% CI]. Recall and zero-shot accuracy: Multi-Bootstrap (seeds and evaluation examples resampled jointly, ${REPLICATES.toLocaleString('en-US')} replicates${sizes ? `; e.g. ${formatCI(sizes)}` : ''}); text→image queries are resampled by image, each image with all its captions (cluster bootstrap). Val loss, gap, alignment and uniformity exist once per run: t-interval over seeds.${sets.length ? ` Columns "<set> · …": the final weights on evaluation set <set> (${sets.map((s) => `"${s.name}"`).join(', ')}), same statistics over that set's images.` : ''} Comparisons: p is one-sided (share of replicates with the other sign; "< 0.001" = none of ${REPLICATES.toLocaleString('en-US')}); Holm p is adjusted over all ${comparisons.length} comparisons, and the verdict uses it (a difference is called when Holm p < 0.025, i.e. a Holm-corrected two-sided 5% test).`,
  };
}
