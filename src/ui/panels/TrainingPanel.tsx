// Training hyper-parameters with field-level validation, seeds, "Add to queue" and "Train".
import { useMemo } from 'react';
import { type TrainHyper, validateHyper } from '../../train/hyper';
import { addToQueue, train } from '../../store/client';
import { modelProblems } from '../../store/experiment';
import { useStore } from '../../store/store';
import { NumberField } from '../NumberField';
import { SeedsField } from './SeedsField';

const FIELDS: { key: keyof TrainHyper; label: string; step?: number | 'any' }[] = [
  { key: 'lr', label: 'learning rate', step: 'any' },
  { key: 'batchSize', label: 'batch size' },
  { key: 'steps', label: 'steps' },
  { key: 'warmup', label: 'warmup steps' },
  { key: 'weightDecay', label: 'weight decay', step: 'any' },
  // Per-group multipliers (MS-CLIP's LR_SHARE / WD_SHARE): shared weights, one tower's weights, gains/biases/embeddings.
  { key: 'lrMultShared', label: 'lr × shared', step: 'any' },
  { key: 'wdMultShared', label: 'wd × shared', step: 'any' },
  { key: 'lrMultSpecific', label: 'lr × modality-specific', step: 'any' },
  { key: 'wdMultSpecific', label: 'wd × modality-specific', step: 'any' },
  { key: 'lrMultNoDecay', label: 'lr × no-decay', step: 'any' },
  { key: 'wdMultNoDecay', label: 'wd × no-decay', step: 'any' },
  { key: 'evalEvery', label: 'eval every' },
  { key: 'logEvery', label: 'log every' },
];

export function TrainingPanel() {
  const e = useStore((s) => s.experiment);
  const setHyper = useStore((s) => s.setHyper);
  const ready = useStore((s) => s.dataset !== null);
  const planned = useStore((s) => s.order.filter((id) => s.runs[id].status === 'planned').length);
  const errors = useMemo(() => validateHyper(e.hyper), [e.hyper]);
  const blockers = useMemo(() => {
    const out: string[] = [];
    if (Object.keys(errors).length) out.push('fix the highlighted training fields');
    if (!e.presets.length) out.push('select at least one preset');
    for (const p of e.presets) {
      const pr = Object.values(modelProblems(p, e.model, e.loss, e.dataset.size));
      if (pr.length) out.push(`${p}: ${pr[0]}`);
    }
    if (e.hyper.batchSize > e.dataset.count) out.push(`batch size exceeds the training set (${e.dataset.count})`);
    return out;
  }, [e, errors]);
  const blocked = blockers.length > 0;
  return (
    <section className="panel" aria-labelledby="training-h" data-testid="training-panel">
      <h2 id="training-h">Training</h2>
      <div className="fields">
        {FIELDS.map((f) => (
          <NumberField key={f.key} label={f.label} value={e.hyper[f.key]} step={f.step} error={errors[f.key]} onChange={(v) => setHyper({ [f.key]: v })} testId={`hyper-${f.key}`} />
        ))}
        <SeedsField />
      </div>
      <p className="muted">
        {e.presets.length} preset{e.presets.length === 1 ? '' : 's'} × {e.seeds.length} seed{e.seeds.length === 1 ? '' : 's'} = {e.presets.length * e.seeds.length} run(s) per click
        {planned ? ` · ${planned} planned` : ''}.
      </p>
      {blocked ? (
        <ul className="err" role="alert" data-testid="train-blockers">
          {blockers.map((b) => (
            <li key={b}>{b}</li>
          ))}
        </ul>
      ) : null}
      <div className="actions">
        <button type="button" onClick={addToQueue} disabled={!e.presets.length || !e.seeds.length} data-testid="add-to-queue">
          Add to queue
        </button>
        <button type="button" className="primary" onClick={train} disabled={blocked || !ready} data-testid="train">
          Train{planned ? ` (${planned} planned)` : ''}
        </button>
        {!ready ? <span className="muted">waiting for the GPU and dataset…</span> : null}
      </div>
    </section>
  );
}
