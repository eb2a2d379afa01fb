// One row per run with its final metrics (own validation split, then one column group per evaluation
// set); CSV and JSON export.
import { useMemo } from 'react';
import { columnGroups, evalSetNames, resultRow, toCsv } from '../../store/results';
import { useStore } from '../../store/store';
import { selectRuns, useThrottled } from '../charts/useThrottled';
import { downloadText } from '../../util/download';
import { COLUMN_HELP } from '../help-stats';
import { GroupRow } from './GroupRow';

const COLS: [string, string][] = [
  ['run', 'run'],
  ['params', 'params'],
  ['trainLoss', 'train loss'],
  ['valLoss', 'val loss'],
  ['i2tR1', 'I→T R@1'],
  ['i2tR5', 'R@5'],
  ['i2tR10', 'R@10'],
  ['t2iR1', 'T→I R@1'],
  ['t2iR5', 'R@5'],
  ['t2iR10', 'R@10'],
  ['zeroShot', 'zero-shot'],
  ['zeroShotHeldOut', 'zero-shot held-out'],
  ['modalityGap', 'gap'],
  ['alignment', 'align'],
  ['uniformity', 'unif'],
  ['wallSeconds', 'wall s'],
];

const show = (v: string | number | null) => (v === null ? '—' : typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(3)) : v);

export function ResultsTable() {
  const runs = useThrottled(selectRuns);
  const colors = useStore((s) => s.runs);
  const rows = useMemo(
    () => Object.values(runs).filter((r) => r.status !== 'planned').map((r) => ({ id: r.id, row: resultRow(r) })),
    [runs],
  );
  const specSets = useStore((s) => s.experiment.dataset.evalSets);
  // Zero-shot columns only when some run has the metric (datasets without labels have none).
  const groups = useMemo(() => {
    const finished = Object.values(runs).filter((r) => r.status !== 'planned');
    return columnGroups(COLS, rows.map((r) => r.row), evalSetNames(finished, specSets?.map((e) => e.name)));
  }, [runs, rows, specSets]);
  const cols = groups.flatMap((g) => g.cols.map(([k, label]) => ({ k, label, set: g.set })));
  return (
    <section className="panel" aria-labelledby="results-h" data-testid="results">
      <h2 id="results-h">
        Results{' '}
        <button type="button" className="small" disabled={!rows.length} onClick={() => downloadText('sharelab-results.csv', toCsv(rows.map((r) => r.row)), 'text/csv')}>
          CSV
        </button>{' '}
        <button type="button" className="small" disabled={!rows.length} onClick={() => downloadText('sharelab-results.json', JSON.stringify(rows.map((r) => r.row), null, 2))}>
          JSON
        </button>
      </h2>
      {rows.length ? (
        <div className="table-scroll">
          <table className="results compact" data-testid="results-table">
            <thead>
              <GroupRow groups={groups.map((g) => ({ set: g.set, span: g.cols.length }))} />
              <tr>
                {cols.map(({ k, label, set }) => (
                  <th scope="col" key={k} title={set === null ? COLUMN_HELP[k] : `${label} on the evaluation set ${set}`} data-set={set ?? undefined}>
                    {label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map(({ id, row }) => (
                <tr key={id}>
                  {cols.map(({ k }) => (
                    <td key={k} data-col={k} data-value={row[k] ?? ''}>
                      {k === 'run' ? <span className="swatch" style={{ background: colors[id]?.color }} aria-hidden="true" /> : null}
                      {show(row[k])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted empty">No results yet — trained runs appear here, one row each.</p>
      )}
    </section>
  );
}
