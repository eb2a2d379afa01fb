// "Compare A vs B": the paired Multi-Bootstrap difference of one metric between two configurations,
// with its 95% CI, one-sided p-value and a plain-words verdict; charts of every config's mean ± CI
// and of the difference. The metric is the own validation split's or an evaluation set's ("<set>:<metric>").
import { useMemo, useState } from 'react';
import { describeSize } from '../../analysis/bootstrap';
import { adjustFamily } from '../../analysis/family';
import { formatP } from '../../analysis/seed-stats';
import { asConfigRuns } from '../../analysis/config-table';
import { METRICS, type MetricKey, compareConfigs, summarizeRuns } from '../../analysis/summary';
import { Plot, type PlotData } from '../charts/Plot';
import { Help } from '../Help';
import { STATS_HELP } from '../help-stats';
import { EVAL_SET_METRICS, onEvalSet } from '../../analysis/eval-sets';
import { useFinishedRuns } from './useFinishedRuns';
import { pickPair } from '../../store/picks';
import { evalSetKey, evalSetNames } from '../../store/results';
import { useStore } from '../../store/store';
import '../analysis.css';

const f = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(4));

export function CompareAB() {
  const finished = useFinishedRuns();
  const specSets = useStore((s) => s.experiment.dataset.evalSets);
  const sets = useMemo(() => evalSetNames(finished, specSets?.map((e) => e.name)), [finished, specSets]);
  const [choice, setChoice] = useState('i2t@1');
  // "<set>:<metric>" compares on an evaluation set (a set no run has any more falls back to the own split).
  const cut = choice.lastIndexOf(':');
  const set = cut > 0 && sets.includes(choice.slice(0, cut)) ? choice.slice(0, cut) : null;
  const metric = (cut > 0 ? choice.slice(cut + 1) : choice) as MetricKey;
  const all = useMemo(() => asConfigRuns(finished), [finished]);
  const named = useMemo(() => (set === null ? all : onEvalSet(all, set)), [all, set]);
  const configs = useMemo(() => [...new Set(all.map((r) => r.preset))], [all]);
  const a = useStore((s) => s.picks.compareA);
  const b = useStore((s) => s.picks.compareB);
  const setPick = useStore((s) => s.setPick);
  const [A, B] = pickPair(configs, a, b);
  const base = METRICS.find((m) => m.key === metric) ?? METRICS[0];
  const info = set === null ? base : { ...base, label: `${base.label} on ${set}` };
  const cmp = useMemo(() => (A && B ? compareConfigs(named, A, B, metric, { replicates: 2000 }) : null), [named, A, B, metric]);
  // The family a reader browses here: A against every other config on this metric (Holm over it).
  const holm = useMemo(() => {
    if (!A || !cmp) return null;
    const family = configs.filter((c) => c !== A && c !== B).map((c) => compareConfigs(named, A, c, metric, { replicates: 2000 }));
    const members = [cmp, ...family.filter((c) => c !== null)];
    return { ...adjustFamily(members)[0], size: members.length };
  }, [named, configs, A, B, metric, cmp]);
  const summary = useMemo(() => (configs.length ? summarizeRuns(named, { metrics: [metric], replicates: 1000 }) : []), [named, configs, metric]);

  const perConfig = useMemo((): PlotData[] => {
    const rows = summary.filter((r) => r.metrics[metric]);
    if (!rows.length) return [];
    const m = rows.map((r) => r.metrics[metric] as NonNullable<(typeof r.metrics)[MetricKey]>);
    return [
      {
        type: 'scatter',
        mode: 'markers',
        y: rows.map((r) => (r.preset === A ? `A · ${r.preset}` : r.preset === B ? `B · ${r.preset}` : r.preset)),
        x: m.map((x) => x.mean),
        error_x: { type: 'data', symmetric: false, array: m.map((x) => x.ci[1] - x.mean), arrayminus: m.map((x) => x.mean - x.ci[0]), thickness: 2, width: 6, color: '#6b6b78' },
        marker: { size: 9, color: rows.map((r) => (r.preset === A ? '#3a5bd9' : r.preset === B ? '#d9480f' : '#6b6b78')) },
        customdata: m.map((x) => `[${f(x.ci[0])}, ${f(x.ci[1])}] · ${describeSize(x.seeds, x.examples)}`),
        hovertemplate: '%{y}: %{x:.4f} %{customdata}<extra></extra>',
      },
    ];
  }, [summary, metric, A, B]);
  const perConfigLayout = useMemo((): Partial<Plotly.Layout> => ({ xaxis: { title: { text: info.label } }, yaxis: { automargin: true, autorange: 'reversed' }, margin: { l: 100, r: 12, t: 8, b: 40 } }), [info.label]);

  const diff = useMemo((): PlotData[] => {
    if (!cmp) return [];
    return [
      {
        type: 'scatter',
        mode: 'markers',
        y: ['A − B'],
        x: [cmp.diff],
        error_x: { type: 'data', symmetric: false, array: [cmp.ci[1] - cmp.diff], arrayminus: [cmp.diff - cmp.ci[0]], thickness: 2, width: 8, color: '#6b6b78' },
        marker: { size: 11, color: cmp.ci[0] > 0 || cmp.ci[1] < 0 ? '#1a7f37' : '#6b6b78' },
        hovertemplate: `A − B = %{x:.4f}, 95% CI [${f(cmp.ci[0])}, ${f(cmp.ci[1])}]<extra></extra>`,
      },
    ];
  }, [cmp]);
  const diffLayout = useMemo((): Partial<Plotly.Layout> => {
    const lo = cmp ? Math.min(cmp.ci[0], 0) : -1;
    const hi = cmp ? Math.max(cmp.ci[1], 0) : 1;
    const pad = (hi - lo || 1) * 0.15;
    return {
      xaxis: { title: { text: `${info.label}: ${A ?? 'A'} − ${B ?? 'B'}` }, range: [lo - pad, hi + pad], zeroline: false },
      yaxis: { automargin: true },
      shapes: [{ type: 'line', x0: 0, x1: 0, yref: 'paper', y0: 0, y1: 1, line: { dash: 'dash', color: '#1d1d24', width: 1 } }],
      margin: { l: 60, r: 12, t: 8, b: 40 },
    };
  }, [cmp, info.label, A, B]);

  const sel = (id: string, label: string, value: string, set: (v: string) => void) => (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} data-testid={id} value={value} onChange={(e) => set(e.target.value)}>
        {configs.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    </div>
  );
  const excludes = cmp ? (holm && holm.size > 1 ? !holm.verdict.startsWith('no detectable') && !holm.verdict.startsWith('cannot') : cmp.ci[0] > 0 || cmp.ci[1] < 0) : false;
  return (
    <section className="panel" aria-labelledby="ab-h" data-testid="compare-ab">
      <h2 id="ab-h">
        Compare A vs B <Help text={STATS_HELP.compare} label="About Compare A vs B" />
      </h2>
      {configs.length < 2 || !A || !B ? (
        <p className="muted empty">
          Needs two configurations with finished runs — train two presets (ideally over the same several seeds: runs are paired by seed).
        </p>
      ) : (
        <>
          <div className="compare-controls">
            {sel('ab-a', 'A', A, (v) => setPick('compareA', v))}
            <button
              type="button"
              className="small"
              aria-label="Swap A and B"
              onClick={() => {
                if (A && B) {
                  setPick('compareA', B);
                  setPick('compareB', A);
                }
              }}
            >
              ⇄
            </button>
            {sel('ab-b', 'B', B, (v) => setPick('compareB', v))}
            <div className="field metric">
              <label htmlFor="ab-metric">metric</label>
              <select id="ab-metric" data-testid="ab-metric" value={set === null ? metric : evalSetKey(set, metric)} onChange={(e) => setChoice(e.target.value)}>
                <optgroup label={sets.length ? 'own validation split' : 'metric'}>
                  {METRICS.map((m) => (
                    <option key={m.key} value={m.key}>
                      {m.label}
                      {m.better ? ` (${m.better} is better)` : ''}
                    </option>
                  ))}
                </optgroup>
                {sets.map((name) => (
                  <optgroup key={name} label={`eval set: ${name}`}>
                    {EVAL_SET_METRICS.map((k) => (
                      <option key={k} value={evalSetKey(name, k)}>
                        {METRICS.find((m) => m.key === k)?.label} on {name} (higher is better)
                      </option>
                    ))}
                  </optgroup>
                ))}
              </select>
            </div>
          </div>
          {cmp ? (
            <div data-testid="ab-result">
              <p className={`verdict ${excludes ? 'yes' : 'no'}`} data-testid="ab-verdict">
                {holm && holm.size > 1 ? holm.verdict : cmp.verdict}
              </p>
              {cmp.better ? (
                <p className="note">
                  → <b>{cmp.better === 'A' ? A : B}</b> is better on {info.label} ({info.better} is better).
                </p>
              ) : null}
              <dl className="compare">
                <dt>A = {A}</dt>
                <dd>{f(cmp.meanA)}</dd>
                <dt>B = {B}</dt>
                <dd>{f(cmp.meanB)}</dd>
                <dt>A − B</dt>
                <dd>
                  {f(cmp.diff)}, 95% {cmp.method === 't-interval' ? 't-interval' : 'CI'} [{f(cmp.ci[0])}, {f(cmp.ci[1])}], one-sided p = {formatP(cmp.pOneSided, cmp.replicates, 4)}
                  {holm ? `; Holm p = ${formatP(holm.pHolm, cmp.replicates, 4)} (${A} vs each of ${holm.size} config${holm.size === 1 ? '' : 's'})` : ''}
                </dd>
                <dt>resampled</dt>
                <dd>
                  {cmp.method === 't-interval'
                    ? `${describeSize(cmp.seeds, cmp.examples)}; seeds ${cmp.pairedSeeds.join(', ')} paired; paired t-test`
                    : `${describeSize(cmp.seeds, cmp.examples, cmp.clusters)}; seeds ${cmp.pairedSeeds.join(', ')} paired; ${cmp.replicates.toLocaleString('en-US')} replicates${cmp.method === 'cluster multi-bootstrap' ? ' (images drawn with all their captions)' : ''}`}
                </dd>
                {cmp.unpaired.A.length || cmp.unpaired.B.length ? (
                  <>
                    <dt>left out</dt>
                    <dd>
                      seeds without a partner: {cmp.unpaired.A.length ? `A ${cmp.unpaired.A.join(', ')}` : ''} {cmp.unpaired.B.length ? `B ${cmp.unpaired.B.join(', ')}` : ''}
                    </dd>
                  </>
                ) : null}
              </dl>
            </div>
          ) : (
            <p className="muted" data-testid="ab-result">
              No seed that both {A} and {B} have with this metric — run them with the same seeds to compare.
            </p>
          )}
          <div className="compare-charts">
            <Plot id="ab-per-config" title={`${info.label} per config (mean ± 95% CI)`} help={STATS_HELP.compareChart} data={perConfig} layout={perConfigLayout} height={Math.max(160, 60 + 36 * configs.length)} empty="No config has this metric" />
            <Plot id="ab-diff" title={`A − B: ${info.label}`} help={STATS_HELP.diffChart} data={diff} layout={diffLayout} height={160} empty="No paired seeds" />
          </div>
        </>
      )}
    </section>
  );
}
