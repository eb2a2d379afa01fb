// Ask a trained run: caption → top-5 validation images; click an image → its top captions. The "set"
// select searches an evaluation set's images and captions instead of the run's own validation split.
import { useState } from 'react';
import { retrieveImage, retrieveText } from '../../store/client';
import { pickRun, pickSet } from '../../store/picks';
import type { RunInfo } from '../../store/runsSlice';
import { useStore } from '../../store/store';
import { Thumb, useImages } from '../Thumb';
import { SetSelect } from './SetSelect';

/** Evaluation sets a run can be asked about: loaded without error, and the run was evaluated on them. */
export function useOfferedSets(run: RunInfo | undefined, has: (r: RunInfo, set: string) => boolean): string[] {
  const loaded = useStore((s) => s.dataset?.evalSets);
  return run ? (loaded ?? []).filter((e) => !e.error && has(run, e.name)).map((e) => e.name) : [];
}

function Results({ queryIndex }: { queryIndex: number | null }) {
  const r = useStore((s) => s.retrieval);
  const pending = useStore((s) => s.retrievalPending);
  const set = r?.set ?? null;
  const captions = useImages(set)?.captions;
  if (pending) return <p className="muted">Searching…</p>;
  if (!r) return <p className="muted">Type a caption or click an image.</p>;
  return (
    <div data-testid="retrieval-results">
      {r.kind === 'captions' && queryIndex !== null ? (
        <div className="query-image">
          <Thumb index={queryIndex} size={56} set={set} />
          <span className="muted">
            Top {r.results.length} captions for {set ? `${set} ` : ''}image #{queryIndex} (✓ = one of its own captions)
          </span>
        </div>
      ) : (
        <p className="muted">
          Top {r.results.length} {r.kind}
          {set ? ` of ${set}` : ''} for “{r.query}” (✓ = the image has this exact caption)
        </p>
      )}
      {r.kind === 'images' ? (
        <ol className="retrieved-images">
          {r.results.map((x) => (
            <li key={`${x.index}-${x.score}`}>
              <Thumb index={x.index} size={64} set={set} />
              <span>
                {captions?.[x.index]?.includes(r.query) ? '✓ ' : ''}#{x.index} · {x.score.toFixed(3)}
              </span>
              <span className="muted">{captions?.[x.index]?.[0]}</span>
            </li>
          ))}
        </ol>
      ) : (
        <ol className="retrieved-captions">
          {r.results.map((x) => (
            <li key={`${x.index}-${x.score}`}>
              {x.caption ? (
                <>
                  {x.index === queryIndex ? '✓ ' : ''}
                  {x.caption} <span className="muted">(image #{x.index}, score {x.score.toFixed(3)})</span>
                </>
              ) : (
                <>
                  a caption of image #{x.index} <span className="muted">(score {x.score.toFixed(3)}; its captions: {captions?.[x.index]?.join(' · ')})</span>
                </>
              )}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

export function RetrievalExplorer() {
  const runs = useStore((s) => s.runs);
  const order = useStore((s) => s.order);
  const chosen = useStore((s) => s.picks.retrieval);
  const setPick = useStore((s) => s.setPick);
  const { run, options: ready, loading } = pickRun(runs, order, 'model', chosen);
  const offered = useOfferedSets(run, (r, name) => !!r.evalSets?.[name]);
  const chosenSet = useStore((s) => s.picks.retrievalSet);
  const set = pickSet(offered, chosenSet);
  const images = useImages(set);
  const [text, setText] = useState('a small red circle');
  const [k, setK] = useState(5);
  const [clicked, setClicked] = useState<number | null>(null);
  const gallery = Math.min(24, images?.captions.length ?? 0);
  return (
    <section className="panel" aria-labelledby="retrieval-h" data-testid="retrieval">
      <h2 id="retrieval-h">Retrieval explorer</h2>
      {!run ? (
        <p className="muted empty">{loading.length ? `Reloading the model of ${loading[0].label} from its stored checkpoint…` : 'No trained runs yet — retrieval needs a finished run.'}</p>
      ) : (
        <div className="retrieval-grid">
          <div>
            <div className="field">
              <label htmlFor="retrieval-run">run</label>
              <select id="retrieval-run" data-testid="retrieval-run" value={run.id} onChange={(e) => setPick('retrieval', e.target.value)}>
                {ready.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.label}
                  </option>
                ))}
              </select>
            </div>
            {offered.length ? (
              <div className="field">
                <label htmlFor="retrieval-set">set</label>
                <SetSelect
                  id="retrieval-set"
                  testId="retrieval-set"
                  offered={offered}
                  value={set}
                  onChange={(v) => {
                    setPick('retrievalSet', v);
                    setClicked(null);
                  }}
                />
              </div>
            ) : null}
            <form
              className="search"
              onSubmit={(e) => {
                e.preventDefault();
                if (!text.trim()) return;
                setClicked(null);
                retrieveText(run.id, text.trim(), k, set ?? undefined);
              }}
            >
              <label htmlFor="retrieval-text">caption</label>
              <input id="retrieval-text" data-testid="retrieval-text" style={{ flex: 1 }} value={text} onChange={(e) => setText(e.target.value)} />
              <label htmlFor="retrieval-k">top</label>
              <select id="retrieval-k" value={k} onChange={(e) => setK(Number(e.target.value))}>
                {[1, 5, 10, 20].map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
              <button type="submit">Find images</button>
            </form>
            <p className="muted">Or click {set ? `an image of ${set}` : 'a validation image'} to find its captions:</p>
            <div className="gallery">
              {Array.from({ length: gallery }, (_, i) => i).map((i) => (
                <button type="button" key={i} className="thumb-button" onClick={() => {
                    setClicked(i);
                    retrieveImage(run.id, i, k, set ?? undefined);
                  }} aria-label={`Find captions for image ${i}`}>
                  <Thumb index={i} size={40} set={set} />
                </button>
              ))}
            </div>
          </div>
          <Results queryIndex={clicked} />
        </div>
      )}
    </section>
  );
}
