// Teacher mode (LLM2CLIP) in the model panel: load a frozen text teacher — an ONNX text encoder with its
// sidecar (e.g. a ShareLab export's .zip) or a table of precomputed caption embeddings (.npy / JSON rows)
// — pick the adapter and where the vision tower starts (./TeacherVision.tsx), and queue teacher runs that train
// only the vision tower and the adapter.
import { useId } from 'react';
import { useSlice, useStore } from '../../store/store';
import { buildLayout, paramCounts } from '../../model/params';
import { modelProblems } from '../../store/experiment';
import {
  downloadCaptionList,
  loadTeacherFiles,
  queueTeacherRuns,
  setTeacherAdapter,
  setTeacherBlocks,
  setTeacherHidden,
  teacherConfig,
  teacherRunConfig,
  visionTowerProblem,
} from '../../store/teacher';
import { TeacherVision } from './TeacherVision';
import { ADAPTER_HELP, ADAPTER_KINDS, adapterConfig, adapterFieldErrors, adapterHasHidden, adapterLabel } from '../../store/teacher-adapter';
import { NumberField } from '../NumberField';
import '../teacher.css';

const fmtMs = (ms: number) => (ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(1)} s`);

function TeacherStatus({ stale }: { stale: boolean }) {
  const { loading, info, error } = useSlice('teacher');
  return (
    <>
      {loading ? (
        <p className="muted" data-testid="teacher-loading" aria-live="polite">
          Loading {loading.files.join(', ')}… (an ONNX teacher embeds every caption once)
        </p>
      ) : null}
      {info ? (
        <p className="teacher-info" data-testid="teacher-info" data-kind={info.kind} data-ep={info.ep ?? ''} data-rows={info.rows} data-dim={info.dim}>
          <b>{info.file}</b>: {info.rows.toLocaleString()} captions × {info.dim}
          {info.kind === 'onnx' ? ` · onnxruntime-web EP ${info.ep ?? 'unknown'} ran (asked for ${info.requestedEp ?? '?'})` : ` · ${info.kind === 'npy' ? '.npy' : 'JSON'} table`}
          {' · '}
          {info.cached === 'no' ? `computed in ${fmtMs(info.ms)}, cached` : `cached (${info.cached}), ${fmtMs(info.ms)}`}
          <span className="muted"> · key {info.key.slice(0, 10)}…</span>
          {info.note ? <span className="err"> {info.note}</span> : null}
        </p>
      ) : null}
      {info && stale ? (
        <p className="err" role="alert" data-testid="teacher-stale">
          The dataset changed since {info.file} was loaded: load the teacher again for this dataset.
        </p>
      ) : null}
      {error ? (
        <p className="err" role="alert" data-testid="teacher-error">
          {error}
          {info ? ` — the loaded teacher (${info.file}) is still in use.` : ''}
        </p>
      ) : null}
    </>
  );
}

const pct = (x: number | undefined) => (x === undefined ? '—' : `${(100 * x).toFixed(1)}%`);

/** Teacher runs: retrieval at the untrained start (step 0) vs the latest evaluation, and the frozen-table check. */
function TeacherRuns() {
  // Select stable references (order, runs) and derive here: a fresh array from the selector would re-render forever.
  const order = useStore((s) => s.order);
  const all = useStore((s) => s.runs);
  const runs = order.map((id) => all[id]).filter((r) => r?.request?.config.teacher);
  const frozen = useSlice('teacher', (s) => s.frozen);
  if (!runs.length) return null;
  return (
    <table className="results compact teacher-runs" data-testid="teacher-runs">
      <caption>Teacher runs: R@1 image→text / text→image at step 0 (untrained) and at the latest evaluation</caption>
      <thead>
        <tr>
          <th scope="col">run</th>
          <th scope="col">step 0</th>
          <th scope="col">latest</th>
          <th scope="col">frozen table</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => {
          const first = r.evals.find((x) => x.step === 0);
          const last = r.evals.length ? r.evals[r.evals.length - 1] : undefined;
          const f = frozen[r.id];
          const r1 = (m: typeof first) => (m ? (m.i2t[1] + m.t2i[1]) / 2 : undefined);
          return (
            <tr key={r.id} data-testid="teacher-run" data-run={r.id} data-r1-start={r1(first) ?? ''} data-r1-end={last && last.step > 0 ? r1(last) : ''} data-frozen={f ? (f.checked ? String(f.identical) : 'unchecked') : ''}>
              <td>
                <span className="swatch" style={{ background: r.color }} />
                {r.label}
              </td>
              <td>{first ? `${pct(first.i2t[1])} / ${pct(first.t2i[1])}` : '—'}</td>
              <td>{last && last.step > 0 ? `${pct(last.i2t[1])} / ${pct(last.t2i[1])} (step ${last.step})` : '—'}</td>
              <td>
                {!f
                  ? r.status === 'done' || r.status === 'stopped'
                    ? '—'
                    : 'after training'
                  : !f.checked
                    ? `${f.rows}×${f.dim}: too large to read back`
                    : f.identical
                      ? `✓ bit-identical after ${f.step} steps (${f.rows}×${f.dim})`
                      : `✗ changed (max |Δ| ${f.maxAbsDiff.toExponential(2)})`}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function TeacherPanel() {
  const id = useId();
  const { info, adapter, hidden, blocks, loading, datasetKey } = useSlice('teacher');
  const ready = useStore((s) => s.dataset !== null);
  const e = useStore((s) => s.experiment);
  const active = useStore((s) => JSON.stringify(s.activeDataset));
  const stale = !!info && datasetKey !== active;
  // The vision tower takes the model panel's settings ("separate": no text tower to share with) — or a pretrained
  // tower's own, which must fit the dataset's image size.
  const towerChosen = useSlice('teacher', (s) => s.vision.choice !== 'scratch' && !!s.vision.info);
  const towerProblem = useSlice('teacher', (s) => visionTowerProblem(s, e.dataset.size));
  const towerLoading = useSlice('teacher', (s) => !!s.vision.loading);
  const visionProblems = towerChosen
    ? towerProblem
      ? [towerProblem]
      : []
    : Object.entries(modelProblems('separate', e.model, e.loss, e.dataset.size))
        .filter(([k]) => k.startsWith('vision.'))
        .map(([, v]) => v);
  // Derived outside a selector (a fresh object from a selector would re-render forever); this component
  // re-renders on every teacher-state change anyway.
  const teacher = info ? teacherConfig() : null;
  const fieldErrors = adapterFieldErrors(adapter, hidden, blocks);
  const adapterError = fieldErrors.hidden ?? fieldErrors.blocks;
  let counts: ReturnType<typeof paramCounts> | null = null;
  try {
    counts = teacher && !adapterError ? paramCounts(buildLayout(teacherRunConfig(teacher))) : null;
  } catch {
    counts = null; // the vision settings do not build: the problem is shown below
  }
  const embedDim = e.model.embedDim;
  const seeds = e.seeds.length;
  return (
    <fieldset className="teacher" data-testid="teacher-panel">
      <legend>Frozen text teacher (LLM2CLIP)</legend>
      <p className="muted help">
        Instead of a text tower, take caption embeddings from a frozen encoder: an ONNX text encoder with its JSON sidecar (a ShareLab export’s
        .zip works), or a table made offline with any LLM — <code>.npy</code> (float32/float64, shape captions × dim) or a JSON array of rows, one
        row per caption in the dataset’s caption order (image by image, each image’s captions in order; the list below). Rows are L2-normalised, the
        table is computed once and cached by content hash; only the vision tower and the adapter train.
      </p>
      <div className="fields">
        <div className="field wide">
          <label htmlFor={`${id}-files`}>teacher file(s): .onnx + .onnx.json, export .zip, .npy or .json</label>
          <input
            id={`${id}-files`}
            type="file"
            multiple
            accept=".onnx,.json,.zip,.npy"
            data-testid="teacher-files"
            disabled={!ready || !!loading}
            onChange={(ev) => {
              const files = [...(ev.target.files ?? [])];
              ev.target.value = '';
              void loadTeacherFiles(files);
            }}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-adapter`} title={ADAPTER_HELP[adapter]}>
            adapter
          </label>
          <select
            id={`${id}-adapter`}
            data-testid="teacher-adapter"
            value={adapter}
            onChange={(ev) => setTeacherAdapter(ADAPTER_KINDS.find((k) => k === ev.target.value) ?? 'linear')}
          >
            <option value="linear">linear</option>
            <option value="mlp">MLP (GELU, ours)</option>
            <option value="residual">residual blocks (LLM2CLIP)</option>
          </select>
          <small className="muted">{ADAPTER_HELP[adapter]}</small>
        </div>
        {adapterHasHidden(adapter) ? (
          <NumberField
            label={`${adapter === 'mlp' ? 'MLP' : 'block'} hidden (0 = ${4 * embedDim})`}
            value={hidden}
            onChange={setTeacherHidden}
            error={fieldErrors.hidden}
            testId="teacher-hidden"
          />
        ) : null}
        {adapter === 'residual' ? <NumberField label="residual blocks" value={blocks} onChange={setTeacherBlocks} error={fieldErrors.blocks} testId="teacher-blocks" /> : null}
      </div>
      <TeacherVision problem={towerProblem} />
      <TeacherStatus stale={stale} />
      {counts ? (
        <p className="muted teacher-counts" data-testid="teacher-counts">
          A teacher run trains {counts.visionOnly.toLocaleString()} vision parameters ({towerChosen ? 'the chosen tower' : 'the vision settings above'}, no sharing) +{' '}
          {counts.textOnly.toLocaleString()}{' '}
          adapter parameters + the logit scale{e.loss === 'siglip' ? ' and bias' : ''}; hyper-parameters and seeds come from the training panel.
        </p>
      ) : null}
      <div className="actions">
        <button type="button" className="small" onClick={downloadCaptionList} disabled={!ready} data-testid="teacher-captions">
          Download caption list (JSONL, row order)
        </button>
        <button
          type="button"
          className="primary"
          data-testid="teacher-train"
          disabled={!info || stale || !ready || !!adapterError || seeds === 0 || visionProblems.length > 0 || towerLoading}
          onClick={() => queueTeacherRuns()}
          title={info ? `adapter ${adapterLabel({ ...adapterConfig(adapter, hidden, blocks), hidden: hidden > 0 ? hidden : 4 * embedDim })}` : 'load a teacher first'}
        >
          Train with teacher ({seeds} seed{seeds === 1 ? '' : 's'})
        </button>
      </div>
      <TeacherRuns />
      {info && visionProblems.length && !towerChosen ? (
        <p className="err" role="alert">
          vision tower: {visionProblems[0]}
        </p>
      ) : null}
    </fieldset>
  );
}
