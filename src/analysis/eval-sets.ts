// Evaluation sets in the statistics (issue 19): a run's metrics on an evaluation set are summarised and
// compared exactly like its own-split ones — the run seen with `final` = its metrics on that set goes
// through the same summarizeRuns / compareConfigs (Multi-Bootstrap over seeds and the set's examples,
// text→image clustered by image), so there is one definition of every statistic.
import type { MetricKey, RunLike } from './summary';

/** The column group of one evaluation set: retrieval both ways, zero-shot when the set is labelled. */
export const EVAL_SET_METRICS: readonly MetricKey[] = ['i2t@1', 't2i@1', 'zeroShot'];

/** Evaluation set names over the runs, in order of first appearance. */
export function evalSetNames(runs: readonly RunLike[]): string[] {
  const out: string[] = [];
  for (const r of runs) for (const n of Object.keys(r.evalSets ?? {})) if (!out.includes(n)) out.push(n);
  return out;
}

/** The runs as seen on evaluation set `name`: `final` is their metrics there (null where not evaluated). */
export function onEvalSet<T extends RunLike>(runs: readonly T[], name: string): T[] {
  return runs.map((r) => ({ ...r, final: r.evalSets?.[name] ?? null }));
}

/** Whether any run has this metric on the set (zero-shot only when the set is labelled). */
export const hasMetric = (runs: readonly RunLike[], metric: MetricKey) =>
  runs.some((r) => {
    const f = r.final;
    if (!f) return false;
    const m = /^(i2t|t2i)@(\d+)$/.exec(metric);
    return m ? typeof f[m[1] as 'i2t' | 't2i']?.[Number(m[2])] === 'number' : typeof f[metric as 'zeroShot'] === 'number';
  });
