// The results table as rows (one per run), and their CSV/JSON forms. Each evaluation set adds its own
// columns, "<set>:i2tR1" and so on, beside the own validation split's; columnGroups says how the table groups them.
import type { EvalMetrics } from '../train/evaluate';
import type { RunInfo } from './runsSlice';

export type ResultRow = Record<string, string | number | null>;

const r4 = (x: number | undefined | null) => (x === undefined || x === null || !Number.isFinite(x) ? null : Math.round(x * 1e4) / 1e4);

/** The metrics of one evaluation (own split or an evaluation set) as row cells, keys prefixed. */
function metricCells(m: EvalMetrics | undefined | null, prefix = ''): ResultRow {
  return {
    [`${prefix}i2tR1`]: r4(m?.i2t[1]),
    [`${prefix}i2tR5`]: r4(m?.i2t[5]),
    [`${prefix}i2tR10`]: r4(m?.i2t[10]),
    [`${prefix}t2iR1`]: r4(m?.t2i[1]),
    [`${prefix}t2iR5`]: r4(m?.t2i[5]),
    [`${prefix}t2iR10`]: r4(m?.t2i[10]),
    [`${prefix}zeroShot`]: r4(m?.zeroShot),
  };
}

/** Column key of an evaluation set's metric ("<set>:<metric>"). */
export const evalSetKey = (set: string, metric: string) => `${set}:${metric}`;

export function resultRow(r: RunInfo): ResultRow {
  const m = r.final ?? r.evals[r.evals.length - 1];
  const last = r.steps[r.steps.length - 1];
  const sets: ResultRow = {};
  for (const [name, e] of Object.entries(r.evalSets ?? {})) {
    Object.assign(sets, metricCells(e, evalSetKey(name, '')), {
      [evalSetKey(name, 'valLoss')]: r4(e.valLoss),
      [evalSetKey(name, 'modalityGap')]: r4(e.modalityGap),
      [evalSetKey(name, 'alignment')]: r4(e.alignment),
      [evalSetKey(name, 'uniformity')]: r4(e.uniformity),
    });
  }
  return {
    run: r.label,
    preset: r.preset,
    seed: r.seed,
    status: r.status,
    params: r.params?.total ?? null,
    shared: r.params?.shared ?? null,
    steps: last?.step ?? 0,
    trainLoss: r4(last?.loss),
    valLoss: r4(m?.valLoss),
    ...metricCells(m),
    zeroShotHeldOut: r4(m?.zeroShotHeldOut),
    modalityGap: r4(m?.modalityGap),
    alignment: r4(m?.alignment),
    uniformity: r4(m?.uniformity),
    wallSeconds: r.wallMs === undefined ? null : Math.round(r.wallMs / 100) / 10,
    ...sets,
  };
}

/**
 * Evaluation-set names of these runs: the dataset spec's order first (`spec`), then any other set a run
 * reports (runs trained under an earlier spec), in queue order.
 */
export function evalSetNames(runs: readonly { evalSets?: Record<string, unknown> }[], spec: readonly string[] = []): string[] {
  const names = [...spec];
  for (const r of runs) for (const n of Object.keys(r.evalSets ?? {})) if (!names.includes(n)) names.push(n);
  return names.filter((n) => runs.some((r) => r.evalSets?.[n]));
}

export interface ColumnGroup {
  /** null: the run's own validation split (and the per-run columns); else the evaluation set's name. */
  set: string | null;
  /** [row key, header] pairs. */
  cols: [string, string][];
}

/**
 * One column group per evaluation set (R@1 both ways; zero-shot when a run has it, i.e. the set is labelled)
 * after the own-split group `own`. Pure: the results table and its tests build the header from it.
 */
export function columnGroups(own: [string, string][], rows: readonly ResultRow[], sets: readonly string[]): ColumnGroup[] {
  const has = (k: string) => rows.some((r) => r[k] != null);
  const groups: ColumnGroup[] = [{ set: null, cols: own.filter(([k]) => !k.startsWith('zeroShot') || has(k)) }];
  for (const set of sets) {
    const cols: [string, string][] = [
      [evalSetKey(set, 'i2tR1'), 'I→T R@1'],
      [evalSetKey(set, 't2iR1'), 'T→I R@1'],
      [evalSetKey(set, 'zeroShot'), 'zero-shot'],
    ];
    groups.push({ set, cols: cols.filter(([k]) => !k.endsWith(':zeroShot') || has(k)) });
  }
  return groups;
}

const cell = (v: string | number | null | undefined) => {
  const s = v == null ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** CSV of the rows; the columns are every key any row has (runs evaluated on different sets), first seen first. */
export function toCsv(rows: ResultRow[]): string {
  if (!rows.length) return '';
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return [cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}
