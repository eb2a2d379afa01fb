// "Evaluation sets" in the dataset panel: add the built-in shapes (another seed) or any upload cached in
// this browser as a set every run is also evaluated on, name it, remove it; and what the training worker
// loaded of each (images, captions, labelled or not) or why it could not (an upload not cached here).
// The sets are part of the dataset spec, so they apply with Generate / Apply like every dataset field.
import { useState } from 'react';
import { EVAL_SET_DEFAULT_COUNT, type EvalSetInfo, type EvalSetSpec } from '../../data/types';
import { MAX_EVAL_SETS, freshEvalSetName } from '../../store/experiment';
import { useSlice, useStore } from '../../store/store';
import { Help } from '../Help';
import { EVAL_SETS_HELP } from '../help';
import { NumberField } from '../NumberField';

function Loaded({ info, applied }: { info: EvalSetInfo | undefined; applied: boolean }) {
  if (!applied) return <span className="muted">applies with Generate / Apply</span>;
  if (!info) return <span className="muted">loading…</span>;
  if (info.error)
    return (
      <span className="err" role="alert" data-testid="evalset-error">
        {info.error}
      </span>
    );
  return (
    <span data-testid="evalset-loaded">
      {info.images.toLocaleString('en-US')} images · {info.captions.toLocaleString('en-US')} captions · {info.classes ? `${info.classes.length} classes (zero-shot)` : 'no labels'}
    </span>
  );
}

export function EvalSetsField() {
  const spec = useStore((s) => s.experiment.dataset);
  const active = useStore((s) => s.activeDataset);
  const loaded = useStore((s) => s.dataset?.evalSets);
  const setDataset = useStore((s) => s.setDataset);
  const cached = useSlice('uploads', (s) => s.cached);
  const [source, setSource] = useState('builtin');
  const sets = spec.evalSets ?? [];
  const put = (next: EvalSetSpec[]) => setDataset({ evalSets: next.length ? next : undefined });
  const edit = (i: number, patch: Partial<EvalSetSpec>) => put(sets.map((e, j) => (j === i ? { ...e, ...patch } : e)));
  const add = () => {
    const u = cached.find((c) => c.id === source);
    if (u) put([...sets, { name: freshEvalSetName(sets, u.name), kind: 'upload', upload: u.id }]);
    else {
      const seed = spec.seed + 1 + sets.filter((e) => e.kind === 'builtin').length;
      put([...sets, { name: freshEvalSetName(sets, `shapes-seed-${seed}`), kind: 'builtin', seed, count: EVAL_SET_DEFAULT_COUNT }]);
    }
  };
  // A set counts as applied when the worker was started with the same entry (same name, source, size).
  const applied = (e: EvalSetSpec) => !!active?.evalSets?.some((a) => JSON.stringify(a) === JSON.stringify(e));
  return (
    <fieldset className="fields eval-sets" data-testid="eval-sets">
      <legend className="muted">
        evaluation sets <Help text={EVAL_SETS_HELP} label="About evaluation sets" />
      </legend>
      {sets.length ? (
        <ul className="eval-set-list">
          {sets.map((e, i) => {
            const upload = e.kind === 'upload' ? cached.find((c) => c.id === e.upload) : undefined;
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: a set's name is edited in place; its position is its identity
              <li key={i} data-testid="evalset-row" data-name={e.name}>
                <div className="field name">
                  <label htmlFor={`evalset-name-${i}`}>name</label>
                  <input id={`evalset-name-${i}`} data-testid="evalset-name" value={e.name} maxLength={40} onChange={(ev) => edit(i, { name: ev.target.value })} />
                </div>
                {e.kind === 'builtin' ? (
                  <NumberField label="seed" value={e.seed ?? 0} onChange={(seed) => edit(i, { seed })} testId="evalset-seed" />
                ) : (
                  <div className="field upload-ref">
                    <span className="label">upload</span>
                    <span title={e.upload}>{upload ? `${upload.name} · ${upload.pairs.toLocaleString('en-US')} pairs` : `not in this browser: ${(e.upload ?? e.path ?? '').slice(0, 12)}…`}</span>
                  </div>
                )}
                <NumberField label="images (at most)" value={e.count ?? EVAL_SET_DEFAULT_COUNT} onChange={(count) => edit(i, { count })} testId="evalset-count" />
                <button type="button" className="small" onClick={() => put(sets.filter((_, j) => j !== i))} aria-label={`Remove the evaluation set ${e.name}`} data-testid="evalset-remove">
                  Remove
                </button>
                <p className="evalset-status">
                  <b>{e.kind === 'builtin' ? 'built-in shapes' : 'upload'}</b> · <Loaded info={loaded?.find((x) => x.name === e.name)} applied={applied(e)} />
                </p>
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="muted evalset-none">None: runs are evaluated on their own validation split only.</p>
      )}
      <div className="evalset-add">
        <select aria-label="evaluation set to add" value={source} onChange={(ev) => setSource(ev.target.value)} data-testid="evalset-source">
          <option value="builtin">built-in shapes (another seed)</option>
          {cached.map((u) => (
            <option key={u.id} value={u.id}>
              {`upload: ${u.name} · ${u.pairs.toLocaleString('en-US')} pairs${u.classes ? ` · ${u.classes} classes` : ''}`}
            </option>
          ))}
        </select>
        <button type="button" className="small" onClick={add} disabled={sets.length >= MAX_EVAL_SETS} data-testid="evalset-add" aria-label="Add the chosen evaluation set">
          Add
        </button>
      </div>
    </fieldset>
  );
}
