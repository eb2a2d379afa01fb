// The dataset: built-in shapes or an upload (source chooser, spec fields applied with Generate/Apply,
// drop zone + pickers with progress), then the stats, caption-length histogram and preview grid of
// the dataset the training worker has loaded. The full report of an upload is UploadReportPanel.
import { DEFAULT_CONTEXT_LENGTH } from '../../data/types';
import { startWorker } from '../../store/client';
import { datasetProblem } from '../../store/experiment';
import { useSlice, useStore } from '../../store/store';
import { CaptionHistogram } from '../charts/CaptionHistogram';
import { EvalSetsField } from './EvalSetsField';
import { NumberField } from '../NumberField';
import { Thumb } from '../Thumb';
import { UploadSource } from '../upload/UploadSource';
import { UploadZone } from '../upload/UploadZone';

function DatasetStats() {
  const info = useStore((s) => s.dataset);
  const upload = useStore((s) => s.activeDataset?.kind === 'upload');
  const trainError = useSlice('uploads', (s) => s.trainError);
  if (!info && trainError)
    return (
      <p className="err" role="alert" data-testid="dataset-error">
        {trainError}
      </p>
    );
  if (!info) return <p className="muted">{upload ? 'Loading the upload…' : 'Generating the dataset…'}</p>;
  const preview = Math.min(12, info.valImages.captions.length);
  return (
    <>
      <dl className="stats" data-testid="dataset-stats">
        <dt>train</dt>
        <dd>{info.train}</dd>
        <dt>val</dt>
        <dd>{info.val}</dd>
        {info.upload ? (
          <>
            <dt>zero-shot</dt>
            <dd data-testid="dataset-classes">{info.upload.classes ? `${info.upload.classes.length} classes` : 'no labels'}</dd>
          </>
        ) : (
          <>
            <dt>held-out</dt>
            <dd>{info.heldOut}</dd>
          </>
        )}
        <dt>vocab</dt>
        <dd>{info.vocabSize}</dd>
        <dt>captions/image</dt>
        <dd>{info.captionsPerImage}</dd>
        <dt>context</dt>
        <dd>
          {info.contextLength} tokens{info.truncated ? ` (${info.truncated} truncated)` : ''}
        </dd>
      </dl>
      <CaptionHistogram hist={info.captionLengthHistogram} />
      <div className="preview-grid" data-testid="preview-grid">
        {Array.from({ length: preview }, (_, i) => i).map((i) => (
          <figure key={i} className="preview">
            <Thumb index={i} size={56} title={info.valImages.captions[i][0]} />
            <figcaption>{info.valImages.captions[i][0]}</figcaption>
          </figure>
        ))}
      </div>
    </>
  );
}

export function DatasetPanel() {
  const spec = useStore((s) => s.experiment.dataset);
  const active = useStore((s) => s.activeDataset);
  const setDataset = useStore((s) => s.setDataset);
  const changed = active !== null && JSON.stringify(active) !== JSON.stringify(spec);
  const problem = datasetProblem(spec);
  const upload = spec.kind === 'upload';
  const info = useStore((s) => s.dataset);
  return (
    <section className="panel" aria-labelledby="dataset-h" data-testid="dataset-panel">
      <h2 id="dataset-h">Dataset · {upload ? `upload${info?.upload ? `: ${info.upload.name}` : ''}` : 'built-in shapes'}</h2>
      <UploadSource />
      <div className="fields">
        <NumberField label={upload ? 'split seed' : 'seed'} value={spec.seed} onChange={(seed) => setDataset({ seed })} testId="ds-seed" />
        {upload ? null : <NumberField label="train images" value={spec.count} onChange={(count) => setDataset({ count })} testId="ds-count" />}
        <NumberField label="val images" value={spec.valCount} onChange={(valCount) => setDataset({ valCount })} testId="ds-val" />
        {upload ? null : <NumberField label="held-out" value={spec.heldOutCount} onChange={(heldOutCount) => setDataset({ heldOutCount })} testId="ds-heldout" />}
        <NumberField label="image size" value={spec.size} onChange={(size) => setDataset({ size })} testId="ds-size" />
        <NumberField label="vocab size" value={spec.vocabSize ?? 512} onChange={(vocabSize) => setDataset({ vocabSize })} testId="ds-vocab" />
        <NumberField label="context length" value={spec.contextLength ?? DEFAULT_CONTEXT_LENGTH} onChange={(contextLength) => setDataset({ contextLength })} testId="ds-context" />
      </div>
      <EvalSetsField />
      {changed ? (
        <p className="note">
          <button type="button" onClick={() => startWorker(spec)} disabled={!!problem}>
            {upload ? 'Apply' : 'Generate'}
          </button>{' '}
          {problem ? (
            <span className="err" role="alert">
              {problem}
            </span>
          ) : (
            <span className="muted">applies the new spec (runs in progress stop).</span>
          )}
        </p>
      ) : null}
      <UploadZone />
      <DatasetStats />
    </section>
  );
}
