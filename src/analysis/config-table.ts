// The per-configuration results table: runs grouped into configurations (groups.ts), each metric as
// mean ± 95% Multi-Bootstrap CI over seeds (summary.ts), plus train loss and wall time (one value per
// run: t-interval over seeds, seed-stats.ts),
// and a flat form for CSV export. Pure; the UI passes its finished runs.
import type { BootstrapOptions, BootstrapResult } from './bootstrap';
import { EVAL_SET_METRICS, evalSetNames, hasMetric, onEvalSet } from './eval-sets';
import { configNames, type GroupableRun } from './groups';
import { seedTInterval } from './seed-stats';
import { METRICS, type MetricKey, type RunLike, type SummaryRow, summarizeRuns } from './summary';

export interface FinishedRun extends RunLike, GroupableRun {
  /** Training loss at the last step. */
  trainLoss?: number;
  wallSeconds?: number;
}

export interface ConfigRow extends SummaryRow {
  /** The configuration's name (its preset, "preset (2)" for a second variant). */
  config: string;
  /** Preset of the configuration's runs. */
  basePreset: string;
  runIds: string[];
  trainLoss: BootstrapResult | null;
  wallSeconds: BootstrapResult | null;
  /**
   * One column group per evaluation set (issue 19), by set name in order of first appearance: R@1 both
   * ways and zero-shot when the set is labelled, with the same statistics as `metrics` (summaryRuns on the
   * runs' metrics on that set). A metric no run of the table has on the set is absent; null: this config has none.
   */
  evalSets: Record<string, Partial<Record<MetricKey, BootstrapResult | null>>>;
}

/** Runs renamed to their configuration (RunLike.preset = config name), for summarizeRuns / compareConfigs. */
export function asConfigRuns(runs: FinishedRun[]): (FinishedRun & { basePreset: string })[] {
  const names = configNames(runs);
  return runs.map((r) => ({ ...r, basePreset: r.preset, preset: names.get(r.id) ?? r.preset }));
}

/** First run per seed of a config (as summarizeRuns pairs them), seeds ascending. */
function firstPerSeed<T extends { seed: number; final: unknown }>(runs: T[]): T[] {
  const m = new Map<number, T>();
  for (const r of runs) if (r.final && !m.has(r.seed)) m.set(r.seed, r);
  return [...m.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
}

function seedsOnly(values: (number | undefined)[], opts: BootstrapOptions): BootstrapResult | null {
  const v = values.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return v.length ? seedTInterval(v, opts.alpha) : null;
}

export function configRows(runs: FinishedRun[], opts: BootstrapOptions = {}): ConfigRow[] {
  const named = asConfigRuns(runs.filter((r) => r.final));
  const sets = evalSetNames(named).map((name) => {
    const seen = onEvalSet(named, name);
    const metrics = EVAL_SET_METRICS.filter((k) => hasMetric(seen, k));
    return { name, metrics, rows: summarizeRuns(seen, { ...opts, metrics }) };
  });
  return summarizeRuns(named, opts).map((row) => {
    const mine = named.filter((r) => r.preset === row.preset);
    const used = firstPerSeed(mine);
    return {
      ...row,
      config: row.preset,
      basePreset: mine[0]?.basePreset ?? row.preset,
      runIds: used.map((r) => r.id),
      trainLoss: seedsOnly(used.map((r) => r.trainLoss), opts),
      wallSeconds: seedsOnly(used.map((r) => r.wallSeconds), opts),
      evalSets: Object.fromEntries(
        sets.map((s) => {
          const on = s.rows.find((r) => r.preset === row.preset);
          return [s.name, Object.fromEntries(s.metrics.map((k) => [k, on?.metrics[k] ?? null]))];
        }),
      ),
    };
  });
}

const r5 = (x: number) => Math.round(x * 1e5) / 1e5;

/** One flat record per config: metric_mean, metric_lo, metric_hi, metric_examples (CSV columns). */
export function flattenConfigRows(rows: ConfigRow[]): Record<string, string | number | null>[] {
  return rows.map((row) => {
    const out: Record<string, string | number | null> = {
      config: row.config,
      preset: row.basePreset,
      seeds: row.seeds.join(' '),
      params: row.params?.total ?? null,
      shared: row.params?.shared ?? null,
    };
    const put = (k: string, b: BootstrapResult | null | undefined) => {
      out[`${k}_mean`] = b ? r5(b.mean) : null;
      out[`${k}_lo`] = b ? r5(b.ci[0]) : null;
      out[`${k}_hi`] = b ? r5(b.ci[1]) : null;
      out[`${k}_examples`] = b ? b.examples : null;
    };
    put('trainLoss', row.trainLoss);
    for (const m of METRICS) put(m.key, row.metrics[m.key as MetricKey]);
    put('wallSeconds', row.wallSeconds);
    for (const [set, ms] of Object.entries(row.evalSets)) for (const [k, b] of Object.entries(ms)) put(`${set}:${k}`, b);
    return out;
  });
}
