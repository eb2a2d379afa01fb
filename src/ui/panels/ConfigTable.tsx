// Results per configuration: mean over seeds with the 95% Multi-Bootstrap CI of every metric, then one
// column group per evaluation set; CSV and JSON export. The per-run table (ResultsTable) sits above it.
import { useMemo } from 'react';
import { type BootstrapResult, describeSize } from '../../analysis/bootstrap';
import { type ConfigRow, configRows, flattenConfigRows } from '../../analysis/config-table';
import type { MetricKey } from '../../analysis/summary';
import { evalSetKey, evalSetNames, toCsv } from '../../store/results';
import { useStore } from '../../store/store';
import { downloadText } from '../../util/download';
import { Help } from '../Help';
import { COLUMN_HELP, STATS_HELP } from '../help-stats';
import { GroupRow } from './GroupRow';
import { useFinishedRuns } from './useFinishedRuns';
import '../analysis.css';

type Col = { key: MetricKey | 'trainLoss' | 'wallSeconds'; label: string };
const COLS: Col[] = [
  { key: 'trainLoss', label: 'train loss' },
  { key: 'valLoss', label: 'val loss' },
  { key: 'i2t@1', label: 'I→T R@1' },
  { key: 'i2t@5', label: 'R@5' },
  { key: 'i2t@10', label: 'R@10' },
  { key: 't2i@1', label: 'T→I R@1' },
  { key: 't2i@5', label: 'R@5' },
  { key: 't2i@10', label: 'R@10' },
  { key: 'zeroShot', label: 'zero-shot' },
  { key: 'zeroShotHeldOut', label: 'zs held-out' },
  { key: 'modalityGap', label: 'gap' },
  { key: 'alignment', label: 'align' },
  { key: 'uniformity', label: 'unif' },
  { key: 'wallSeconds', label: 'wall s' },
];

/** Headers of an evaluation set's columns (the own split's words). */
const SET_LABEL: Record<string, string> = { 'i2t@1': 'I→T R@1', 't2i@1': 'T→I R@1', zeroShot: 'zero-shot' };

const cellOf = (row: ConfigRow, key: Col['key']): BootstrapResult | null | undefined =>
  key === 'trainLoss' ? row.trainLoss : key === 'wallSeconds' ? row.wallSeconds : row.metrics[key];

/** CI bounds compactly: leading zero dropped for |v| < 1 (".047", "−.012"), as in stats tables (not for wall time). */
const bound = (v: number, digits: number) => {
  if (digits < 3) return v.toFixed(digits);
  const t = Math.abs(v).toFixed(digits);
  return `${v < 0 && Number(t) !== 0 ? '−' : ''}${t.startsWith('0.') ? t.slice(1) : t}`;
};

function Cell({ b, digits }: { b: BootstrapResult | null | undefined; digits: number }) {
  if (!b) return <td>—</td>;
  const one = b.seeds === 1 && b.examples === 1;
  const title = one ? `${b.mean.toFixed(digits)} from 1 seed: no uncertainty estimate` : `mean ${b.mean.toFixed(digits)}, 95% ${b.method} [${b.ci[0].toFixed(digits)}, ${b.ci[1].toFixed(digits)}]; ${describeSize(b.seeds, b.examples, b.clusters)}${b.caveat ? `; ${b.caveat}` : ''}`;
  return (
    <td title={title}>
      {b.mean.toFixed(digits)}
      {b.resampled === 'seeds' && !one ? <sup title="one value per run: t-interval over seeds">ˢ</sup> : null}
      <span className="ci">{one ? '1 seed' : `[${bound(b.ci[0], digits)}, ${bound(b.ci[1], digits)}]`}</span>
    </td>
  );
}

export function ConfigTable() {
  const finished = useFinishedRuns();
  const rows = useMemo(() => (finished.length ? configRows(finished, { replicates: 1000 }) : []), [finished]);
  const specSets = useStore((s) => s.experiment.dataset.evalSets);
  // One column group per evaluation set (configRows' row.evalSets: the same statistics on the set), spec order first.
  const sets = useMemo(
    () =>
      evalSetNames(finished, specSets?.map((e) => e.name)).map((set) => ({
        set,
        metrics: Object.keys(rows[0]?.evalSets[set] ?? {}).map((k) => ({ key: k as MetricKey, label: SET_LABEL[k] ?? k })),
      })),
    [finished, specSets, rows],
  );
  const csv = () => downloadText('sharelab-configs.csv', toCsv(flattenConfigRows(rows)), 'text/csv');
  const json = () => downloadText('sharelab-configs.json', JSON.stringify(rows, null, 2));
  return (
    <section className="panel" aria-labelledby="configs-h" data-testid="config-results">
      <h2 id="configs-h">
        Per configuration: mean and 95% CI over seeds <Help text={STATS_HELP.configTable} label="About the per-configuration table" />
        <button type="button" className="small" disabled={!rows.length} onClick={csv} aria-label="Download per-configuration results as CSV">
          CSV
        </button>
        <button type="button" className="small" disabled={!rows.length} onClick={json} aria-label="Download per-configuration results as JSON">
          JSON
        </button>
      </h2>
      {rows.length ? (
        <div className="table-scroll">
          <table className="results compact ci" data-testid="config-table">
            <thead>
              <GroupRow lead={1} groups={[{ set: null, span: COLS.length }, ...sets.map((g) => ({ set: g.set, span: g.metrics.length }))]} />
              <tr>
                <th scope="col">config</th>
                {COLS.map((c) => (
                  <th scope="col" key={c.key} title={COLUMN_HELP[c.key]}>
                    {c.label}
                  </th>
                ))}
                {sets.flatMap((g) =>
                  g.metrics.map((m) => (
                    <th scope="col" key={evalSetKey(g.set, m.key)} data-set={g.set} title={`${m.label} on the evaluation set ${g.set}`}>
                      {m.label}
                    </th>
                  )),
                )}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.config} data-config={row.config}>
                  <th scope="row">
                    {row.config}
                    <span className="ci" data-testid="config-seeds">
                      seed{row.seeds.length === 1 ? '' : 's'} {row.seeds.join(', ')}
                    </span>
                    {row.params ? <span className="ci">{row.params.total.toLocaleString('en-US')} params</span> : null}
                  </th>
                  {COLS.map((c) => (
                    <Cell key={c.key} b={cellOf(row, c.key)} digits={c.key === 'wallSeconds' ? 1 : 3} />
                  ))}
                  {sets.flatMap((g) => g.metrics.map((m) => <Cell key={evalSetKey(g.set, m.key)} b={row.evalSets[g.set]?.[m.key]} digits={3} />))}
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small-note" style={{ textAlign: 'left' }}>
            Below each mean: its 95% CI (Multi-Bootstrap, 1,000 replicates). ˢ = one number per run, so the CI resamples seeds only. Repeat a config over more seeds (training panel) to narrow it.
          </p>
        </div>
      ) : (
        <p className="muted empty">No finished runs yet — each configuration gets one row (mean and 95% CI over its seeds) once a run finishes.</p>
      )}
    </section>
  );
}
