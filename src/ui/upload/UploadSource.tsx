// Built-in shapes or one of the uploads cached in this browser (the choice is part of the experiment:
// an upload is referenced by its content-hash id).
import { useEffect, useId } from 'react';
import { useSlice, useStore } from '../../store/store';
import { deleteUpload, refreshUploads, selectBuiltin, selectUpload } from '../../store/uploads';

export function UploadSource() {
  const spec = useStore((s) => s.experiment.dataset);
  const cached = useSlice('uploads', (s) => s.cached);
  const name = useId();
  useEffect(() => {
    void refreshUploads();
  }, []);
  const chosen = spec.kind === 'upload' ? spec.upload : undefined;
  const pick = (id: string) => {
    const u = cached.find((c) => c.id === id);
    selectUpload(id, u?.sizes.length && !u.sizes.includes(spec.size) ? u.sizes[u.sizes.length - 1] : undefined);
  };
  const known = chosen === undefined || cached.some((c) => c.id === chosen);
  return (
    <fieldset className="fields source" data-testid="dataset-source">
      <legend className="muted">source</legend>
      <label className="radio">
        <input type="radio" name={name} checked={spec.kind === 'builtin'} onChange={selectBuiltin} data-testid="source-builtin" /> built-in shapes
      </label>
      <label className="radio">
        <input
          type="radio"
          name={name}
          checked={spec.kind === 'upload'}
          disabled={!cached.length && spec.kind !== 'upload'}
          onChange={() => cached[0] && pick(spec.upload ?? cached[0].id)}
          data-testid="source-upload"
        />{' '}
        upload
      </label>
      {cached.length || !known ? (
        <select
          aria-label="cached upload"
          value={chosen ?? ''}
          onChange={(e) => pick(e.target.value)}
          data-testid="upload-select"
          className="upload-select"
        >
          {chosen === undefined ? <option value="">choose an upload…</option> : null}
          {!known && chosen ? <option value={chosen}>{`not in this browser: ${chosen.slice(0, 12)}…`}</option> : null}
          {cached.map((u) => (
            <option key={u.id} value={u.id}>
              {`${u.name} · ${u.pairs.toLocaleString('en-US')} pairs · ${u.sizes.map((s) => `${s}px`).join('/') || 'not decoded'}${u.classes ? ` · ${u.classes} classes` : ''}`}
            </option>
          ))}
        </select>
      ) : null}
      {chosen && known ? (
        <button type="button" className="small" onClick={() => void deleteUpload(chosen)} title="Remove this upload and its decoded tensors from the browser">
          Delete
        </button>
      ) : null}
    </fieldset>
  );
}
