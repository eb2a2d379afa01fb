// Zero-shot classification of a trained run's validation images with editable prompt templates, over
// the dataset's labelled tasks (built-in: shape, colour, colour + shape). The worker embeds the prompts.
import { useMemo, useState } from 'react';
import { zeroShot } from '../../store/client';
import { pickRun } from '../../store/picks';
import { useStore } from '../../store/store';
import { Plot, type PlotData } from '../charts/Plot';
import { Help } from '../Help';
import { STATS_HELP } from '../help-stats';
import { Thumb } from '../Thumb';
import '../analysis.css';

/** The evaluation's templates (src/data/prepare.ts ZERO_SHOT_TEMPLATES), as a starting point. */
const DEFAULT_TEMPLATES = '{a}\na picture of {a}\na small {label}\na large {label}';

function Result() {
  const z = useStore((s) => s.zeroShot);
  const pending = useStore((s) => s.zeroShotPending);
  const runs = useStore((s) => s.runs);
  const r = z?.result;
  const ok = r && !('error' in r) ? r : null;
  const bars = useMemo((): PlotData[] => {
    if (!ok) return [];
    const cls = ok.perClass.filter((c) => c.n > 0);
    return [
      {
        type: 'bar',
        x: cls.map((c) => c.name),
        y: cls.map((c) => c.correct / c.n),
        customdata: cls.map((c) => `${c.correct}/${c.n}`),
        hovertemplate: '%{x}: %{y:.2f} (%{customdata})<extra></extra>',
        marker: { color: '#3a5bd9' },
      },
    ];
  }, [ok]);
  const layout = useMemo(
    (): Partial<Plotly.Layout> => ({
      yaxis: { range: [0, 1], title: { text: 'accuracy' } },
      xaxis: { tickangle: ok && ok.classes.length > 10 ? -60 : 0, tickfont: { size: 9 }, automargin: true },
      shapes: ok ? [{ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: ok.chance, y1: ok.chance, line: { dash: 'dash', color: '#c62828', width: 1 } }] : [],
      margin: { l: 48, r: 8, t: 8, b: 40 },
    }),
    [ok],
  );
  if (pending) return <p className="muted">Classifying…</p>;
  if (!r) return <p className="muted">Pick a task, edit the templates and press Classify.</p>;
  if ('error' in r)
    return (
      <p className="err" role="alert" data-testid="zs-error">
        {r.error}
      </p>
    );
  if (!ok) return null;
  return (
    <div data-testid="zs-result">
      <p>
        <b data-testid="zs-accuracy">
          {ok.task}: accuracy {(ok.accuracy * 100).toFixed(1)}%
        </b>{' '}
        on {ok.n} one-object validation images (chance {(ok.chance * 100).toFixed(1)}%) · {runs[z.runId]?.label ?? z.runId}, step {ok.step} · {ok.classes.length} classes × {ok.templates.length} templates = {ok.prompts} prompts
      </p>
      <Plot id="zs-per-class" title={`Zero-shot accuracy per class · ${ok.task}`} help={STATS_HELP.zeroShotChart} data={bars} layout={layout} height={ok.classes.length > 10 ? 260 : 200} />
      <ul className="zs-items" aria-label="Classified images">
        {ok.items.slice(0, 12).map((it) => (
          <li key={it.index} className={it.predicted === it.label ? 'ok' : 'bad'}>
            <Thumb index={it.index} size={36} />
            <span>
              {it.predicted === it.label ? '✓' : '✗'} {ok.classes[it.predicted]}
              <br />
              <span className="muted">
                true: {ok.classes[it.label]} · {it.top[0]?.score.toFixed(2)}
              </span>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function ZeroShotPanel() {
  const runs = useStore((s) => s.runs);
  const tasks = useStore((s) => s.dataset?.zeroShotTasks);
  const order = useStore((s) => s.order);
  const chosen = useStore((s) => s.picks.zeroShot);
  const setPick = useStore((s) => s.setPick);
  const { run, options: ready, loading } = pickRun(runs, order, 'model', chosen);
  const pending = useStore((s) => s.zeroShotPending);
  const [task, setTask] = useState('');
  const [templates, setTemplates] = useState(DEFAULT_TEMPLATES);
  const t = tasks?.find((x) => x.name === task) ?? tasks?.[0];
  return (
    <section className="panel" aria-labelledby="zs-h" data-testid="zero-shot">
      <h2 id="zs-h">
        Zero-shot classification <Help text={STATS_HELP.zeroShot} label="About zero-shot classification" />
      </h2>
      {!tasks?.length ? (
        <p className="muted empty">This dataset has no labels to classify.</p>
      ) : !run || !t ? (
        <p className="muted empty">{loading.length ? `Reloading the model of ${loading[0].label} from its stored checkpoint…` : 'No trained runs yet — zero-shot classification needs a finished run.'}</p>
      ) : (
        <div className="zs-grid">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              zeroShot(run.id, t.name, templates.split('\n'));
            }}
          >
            <div className="fields">
              <div className="field">
                <label htmlFor="zs-run">run</label>
                <select id="zs-run" data-testid="zs-run" value={run.id} onChange={(e) => setPick('zeroShot', e.target.value)}>
                  {ready.map((r) => (
                    <option key={r.id} value={r.id}>
                      {r.label}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field task">
                <label htmlFor="zs-task">task</label>
                <select id="zs-task" data-testid="zs-task" value={t.name} onChange={(e) => setTask(e.target.value)}>
                  {tasks.map((x) => (
                    <option key={x.name} value={x.name}>
                      {x.name} ({x.classes.length} classes, {x.images} images)
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <div className="field wide">
              <label htmlFor="zs-templates">prompt templates, one per line ({'{label}'} = class, {'{a}'} = class with article)</label>
              <textarea id="zs-templates" data-testid="zs-templates" rows={5} value={templates} onChange={(e) => setTemplates(e.target.value)} spellCheck={false} />
            </div>
            <p className="muted small-note" style={{ textAlign: 'left' }}>
              classes: {t.classes.slice(0, 12).join(', ')}
              {t.classes.length > 12 ? `, … (${t.classes.length})` : ''}
            </p>
            <div className="actions">
              <button type="submit" className="primary" disabled={!!pending}>
                Classify
              </button>
              <button type="button" className="small" onClick={() => setTemplates(DEFAULT_TEMPLATES)}>
                Reset templates
              </button>
            </div>
          </form>
          <Result />
        </div>
      )}
    </section>
  );
}
