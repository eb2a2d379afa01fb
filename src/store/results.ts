// The results table as rows (one per run), and their CSV/JSON forms.
import type { RunInfo } from './runsSlice';

export type ResultRow = Record<string, string | number | null>;

const r4 = (x: number | undefined | null) => (x === undefined || x === null || !Number.isFinite(x) ? null : Math.round(x * 1e4) / 1e4);

export function resultRow(r: RunInfo): ResultRow {
  const m = r.final ?? r.evals[r.evals.length - 1];
  const last = r.steps[r.steps.length - 1];
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
    i2tR1: r4(m?.i2t[1]),
    i2tR5: r4(m?.i2t[5]),
    i2tR10: r4(m?.i2t[10]),
    t2iR1: r4(m?.t2i[1]),
    t2iR5: r4(m?.t2i[5]),
    t2iR10: r4(m?.t2i[10]),
    zeroShot: r4(m?.zeroShot),
    zeroShotHeldOut: r4(m?.zeroShotHeldOut),
    modalityGap: r4(m?.modalityGap),
    alignment: r4(m?.alignment),
    uniformity: r4(m?.uniformity),
    wallSeconds: r.wallMs === undefined ? null : Math.round(r.wallMs / 100) / 10,
  };
}

const cell = (v: string | number | null) => {
  const s = v === null ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function toCsv(rows: ResultRow[]): string {
  if (!rows.length) return '';
  const cols = Object.keys(rows[0]);
  return [cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}
