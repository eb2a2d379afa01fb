// Per-config summaries and A/B comparisons of finished runs (configs × seeds), with Multi-Bootstrap
// CIs (bootstrap.ts). Retrieval recall and zero-shot accuracy are resampled over seeds AND evaluation
// examples (per-example ranks / correctness); text→image queries are clustered by their image (the
// run's `t2iImage`), so an image is drawn with all its captions (METHODS.md). Metrics that only exist
// as one number per run (loss, geometry) get a t-interval over seeds (seed-stats.ts), and their
// results say so (examples = 1, resampled = 'seeds', method = 't-interval').
// Shared by the UI and the experiment runner: RunLike is the minimal shape of RunResultJson.
import type { ParamCounts } from '../model/params';
import { type BootstrapOptions, type BootstrapResult, hitsAtK, multiBootstrap, type PairedBootstrapResult, pairedMultiBootstrap } from './bootstrap';
import { pairedSeedTInterval, seedTInterval } from './seed-stats';

/** The parts of EvalMetrics (src/train/evaluate.ts) used here; EvalMetrics is assignable to it. */
export interface FinalLike {
  valLoss?: number;
  i2t?: Record<number, number>;
  t2i?: Record<number, number>;
  zeroShot?: number;
  zeroShotHeldOut?: number;
  modalityGap?: number;
  alignment?: number;
  uniformity?: number;
  /** t2iImage[j]: the val image of text→image query j (its cluster); absent in results saved before it. */
  perExample?: { i2tRank: number[]; t2iRank: number[]; t2iImage?: number[]; zeroShot?: number[]; zeroShotHeldOut?: number[] };
}

/** One run: RunResultJson (src/experiment/spec.ts) is assignable to it. */
export interface RunLike {
  preset: string;
  seed: number;
  final: FinalLike | null | undefined;
  params?: ParamCounts;
  /** The final weights on each evaluation set (issue 19), by set name (src/analysis/eval-sets.ts). */
  evalSets?: Record<string, FinalLike>;
}

export type RecallKey = 'i2t@1' | 'i2t@5' | 'i2t@10' | 't2i@1' | 't2i@5' | 't2i@10';
export type MetricKey = 'valLoss' | RecallKey | 'zeroShot' | 'zeroShotHeldOut' | 'modalityGap' | 'alignment' | 'uniformity';

export interface MetricInfo {
  key: MetricKey;
  label: string;
  /** Which direction is an improvement (null: neither, e.g. the modality gap is descriptive). */
  better: 'higher' | 'lower' | null;
}

export const METRICS: readonly MetricInfo[] = [
  { key: 'valLoss', label: 'val loss', better: 'lower' },
  { key: 'i2t@1', label: 'R@1 image→text', better: 'higher' },
  { key: 'i2t@5', label: 'R@5 image→text', better: 'higher' },
  { key: 'i2t@10', label: 'R@10 image→text', better: 'higher' },
  { key: 't2i@1', label: 'R@1 text→image', better: 'higher' },
  { key: 't2i@5', label: 'R@5 text→image', better: 'higher' },
  { key: 't2i@10', label: 'R@10 text→image', better: 'higher' },
  { key: 'zeroShot', label: 'zero-shot accuracy', better: 'higher' },
  { key: 'zeroShotHeldOut', label: 'zero-shot held-out', better: 'higher' },
  { key: 'modalityGap', label: 'modality gap', better: null },
  { key: 'alignment', label: 'alignment', better: 'lower' },
  { key: 'uniformity', label: 'uniformity', better: 'lower' },
];

export interface SummaryOptions extends BootstrapOptions {
  /** Metrics to summarise (default: all of METRICS). */
  metrics?: MetricKey[];
}

export interface SummaryRow {
  preset: string;
  /** Seeds with a final evaluation, ascending. */
  seeds: number[];
  params?: ParamCounts;
  /** Mean ± CI per metric; null where no run of this config has the metric. */
  metrics: Partial<Record<MetricKey, BootstrapResult | null>>;
}

function parseRecall(metric: MetricKey): { dir: 'i2t' | 't2i'; k: number } | null {
  const m = /^(i2t|t2i)@(\d+)$/.exec(metric);
  return m ? { dir: m[1] as 'i2t' | 't2i', k: Number(m[2]) } : null;
}

/** The metric's one number for a run (undefined if absent or not finite). */
function aggregate(f: FinalLike, metric: MetricKey): number | undefined {
  const r = parseRecall(metric);
  const v = r ? f[r.dir]?.[r.k] : (f[metric as Exclude<MetricKey, RecallKey>] as number | undefined);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Per-example values of a recall or zero-shot metric, or undefined if the run has none. */
function perExample(f: FinalLike, metric: MetricKey): number[] | undefined {
  if (metric === 'zeroShot' || metric === 'zeroShotHeldOut') {
    const v = f.perExample?.[metric];
    return v && v.length > 0 ? v : undefined;
  }
  const r = parseRecall(metric);
  if (!r || !f.perExample) return undefined;
  const ranks = r.dir === 'i2t' ? f.perExample.i2tRank : f.perExample.t2iRank;
  return ranks && ranks.length > 0 ? hitsAtK(ranks, r.k) : undefined;
}

/** Text→image queries' images when every run carries the same map (one val set), else undefined. */
function clustersOf(finals: FinalLike[], metric: MetricKey): number[] | undefined {
  if (parseRecall(metric)?.dir !== 't2i') return undefined;
  const maps = finals.map((f) => f.perExample?.t2iImage);
  const first = maps[0];
  if (!first || !maps.every((m) => m && m.length === first.length && m.every((v, i) => v === first[i]))) return undefined;
  return first;
}

interface Matrices {
  mats: number[][][];
  rows: number[];
  /** Cluster of each column (text→image: the query's image), when known. */
  clusters?: number[];
}

/**
 * (seeds × examples) matrices for groups of runs paired by position: per-example values when every
 * kept run has them with the same length, else one aggregate column. Positions where any group
 * lacks the metric are dropped from every group (pairing is kept); `rows` are the kept positions.
 */
function matrices(groups: FinalLike[][], metric: MetricKey): Matrices {
  const n = groups[0].length;
  const per = groups.map((g) => g.map((f) => perExample(f, metric)));
  const all = [...Array(n).keys()];
  const len = per[0][0]?.length;
  if (n > 0 && per.every((rows) => rows.every((row) => row !== undefined && row.length === len))) {
    const clusters = clustersOf(groups.flat(), metric);
    return { mats: per as number[][][], rows: all, ...(clusters && clusters.length === len ? { clusters } : {}) };
  }
  const agg = groups.map((g) => g.map((f) => aggregate(f, metric)));
  const rows = all.filter((i) => agg.every((col) => col[i] !== undefined));
  return { mats: agg.map((col) => rows.map((i) => [col[i] as number])), rows };
}

/** Caveat for text→image recall whose caption→image map was not stored (independent captions). */
const UNCLUSTERED = 'captions resampled independently (no caption→image map stored): CI too narrow';

function withCaveat<T extends { caveat: string; verdict?: string }>(r: T, metric: MetricKey, m: Matrices): T {
  if (parseRecall(metric)?.dir !== 't2i' || m.clusters || m.mats[0][0].length === 1) return r;
  const caveat = r.caveat ? `${r.caveat}; ${UNCLUSTERED}` : UNCLUSTERED;
  return { ...r, caveat, ...(r.verdict !== undefined ? { verdict: `${r.verdict} — ${UNCLUSTERED}` } : {}) };
}

/** Multi-Bootstrap of per-example matrices (clustered when known), t-interval of one column per seed. */
function interval(m: Matrices, metric: MetricKey, opts: BootstrapOptions): BootstrapResult {
  const x = m.mats[0];
  if (x[0].length === 1) return seedTInterval(x.map((r) => r[0]), opts.alpha);
  return withCaveat(multiBootstrap(x, { ...opts, clusters: m.clusters }), metric, m);
}

function pairedInterval(m: Matrices, metric: MetricKey, opts: BootstrapOptions): PairedBootstrapResult {
  const [a, b] = m.mats;
  if (a[0].length === 1) return pairedSeedTInterval(a.map((r) => r[0]), b.map((r) => r[0]), opts.alpha);
  return withCaveat(pairedMultiBootstrap(a, b, { ...opts, clusters: m.clusters }), metric, m);
}

/** One run per (preset, seed) with a final evaluation: the first such run in `runs`. */
function bySeed(runs: RunLike[], preset: string): Map<number, RunLike> {
  const m = new Map<number, RunLike>();
  for (const r of runs) if (r.preset === preset && r.final && !m.has(r.seed)) m.set(r.seed, r);
  return new Map([...m.entries()].sort((x, y) => x[0] - y[0]));
}

/** One row per config (in order of first appearance) with mean and Multi-Bootstrap CI per metric. */
export function summarizeRuns(runs: RunLike[], opts: SummaryOptions = {}): SummaryRow[] {
  const metrics = opts.metrics ?? METRICS.map((m) => m.key);
  const presets = [...new Set(runs.map((r) => r.preset))];
  return presets.map((preset) => {
    const group = bySeed(runs, preset);
    const finals = [...group.values()].map((r) => r.final as FinalLike);
    const row: SummaryRow = { preset, seeds: [...group.keys()], metrics: {} };
    const params = runs.find((r) => r.preset === preset && r.params)?.params;
    if (params) row.params = params;
    for (const metric of metrics) {
      const m = matrices([finals], metric);
      row.metrics[metric] = m.rows.length ? interval(m, metric, opts) : null;
    }
    return row;
  });
}

export interface Comparison extends PairedBootstrapResult {
  metric: MetricKey;
  presetA: string;
  presetB: string;
  /** Seeds present in both configs (and with the metric), ascending: the rows of the bootstrap. */
  pairedSeeds: number[];
  /** Seeds of one config only, left out of the comparison. */
  unpaired: { A: number[]; B: number[] };
  meanA: number;
  meanB: number;
  /** Which config is better by the metric's direction when the CI excludes 0; null otherwise. */
  better: 'A' | 'B' | null;
}

/**
 * Paired Multi-Bootstrap of presetA − presetB on one metric, pairing runs by seed (only seeds both
 * configs have). Null when no seed is shared.
 */
export function compareConfigs(runs: RunLike[], presetA: string, presetB: string, metric: MetricKey, opts: BootstrapOptions = {}): Comparison | null {
  const ga = bySeed(runs, presetA);
  const gb = bySeed(runs, presetB);
  const shared = [...ga.keys()].filter((s) => gb.has(s));
  const fa = shared.map((s) => ga.get(s)?.final as FinalLike);
  const fb = shared.map((s) => gb.get(s)?.final as FinalLike);
  const m = matrices([fa, fb], metric);
  const {
    mats: [a, b],
    rows,
  } = m;
  if (rows.length === 0) return null;
  const res = pairedInterval(m, metric, opts);
  const mean = (m: number[][]) => m.reduce((t, row) => t + row.reduce((u, v) => u + v, 0), 0) / (m.length * m[0].length);
  const dir = METRICS.find((m) => m.key === metric)?.better ?? null;
  const sign = res.seeds === 1 && res.examples === 1 ? 0 : res.ci[0] > 0 ? 1 : res.ci[1] < 0 ? -1 : 0;
  const better = dir === null || sign === 0 ? null : (sign > 0) === (dir === 'higher') ? 'A' : 'B';
  return {
    ...res,
    metric,
    presetA,
    presetB,
    pairedSeeds: rows.map((i) => shared[i]),
    unpaired: { A: [...ga.keys()].filter((s) => !gb.has(s)), B: [...gb.keys()].filter((s) => !ga.has(s)) },
    meanA: mean(a),
    meanB: mean(b),
    better,
  };
}
