// Training hyper-parameters with field-level validation, seeds, "Add to queue" and "Train".
import { useMemo } from 'react';
import { type TrainHyper, validateHyper } from '../../train/hyper';
import { addToQueue, train } from '../../store/client';
import { modelProblems, runConfig } from '../../store/experiment';
import { useStore } from '../../store/store';
import { SKIP_TUNING_HELP } from '../help';
import { NumberField } from '../NumberField';
import { SeedsField } from './SeedsField';
import { estimateLine } from './train-estimate';

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
  { key: 'earlyStop', label: 'early stop after (evals, 0 = off)' },
];

/** On/off hyper-parameters (stored as 0 / 1) with what they do, for small uploads that overfit (src/train/best.ts). */
const TOGGLES: { key: 'augment' | 'keepBest'; label: string; help: string }[] = [
  { key: 'augment', label: 'augment images', help: 'seeded random resized crop and horizontal flip (not for images whose captions say left/right)' },
  { key: 'keepBest', label: 'keep best checkpoint', help: 'the run ends with the weights of its lowest validation loss' },
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
  // The runs a click trains: the planned ones, else one per preset × seed (as actions.train does).
  const runs = useStore((s) => s.runs);
  const order = useStore((s) => s.order);
  const adapter = useStore((s) => (s.gpu.kind === 'ready' ? s.gpu.adapter : 'this adapter'));
  const skipTuning = useStore((s) => s.skipTuning);
  const setSkipTuning = useStore((s) => s.setSkipTuning);
  const estimate = useMemo(() => {
    const plannedRuns = order.map((id) => runs[id]).filter((r) => r.status === 'planned');
    const presets = plannedRuns.length ? plannedRuns.map((r) => r.preset) : e.presets.flatMap((p) => e.seeds.map(() => p));
    try {
      return estimateLine(presets.map((p) => runConfig(p, e.model, e.loss)), e.hyper, Object.values(runs), adapter);
    } catch {
      return ''; // a preset that does not build: the blockers say why
    }
  }, [order, runs, e, adapter]);
  return (
    <section className="panel" aria-labelledby="training-h" data-testid="training-panel">
      <h2 id="training-h">Training</h2>
      <div className="fields">
        {FIELDS.map((f) => (
          <NumberField key={f.key} label={f.label} value={e.hyper[f.key]} step={f.step} error={errors[f.key]} onChange={(v) => setHyper({ [f.key]: v })} testId={`hyper-${f.key}`} />
        ))}
        <SeedsField />
      </div>
      <div className="fields">
        {TOGGLES.map((f) => (
          <label key={f.key} className="field" title={f.help}>
            <input type="checkbox" checked={e.hyper[f.key] === 1} onChange={(ev) => setHyper({ [f.key]: ev.target.checked ? 1 : 0 })} data-testid={`hyper-${f.key}`} />{' '}
            {f.label}
            <span className="muted small"> — {f.help}</span>
          </label>
        ))}
      </div>
      <p className="muted small">Early stop ends a run after that many evaluations without a lower validation loss (needs “eval every” &gt; 0).</p>
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
        <label className="muted" title={SKIP_TUNING_HELP}>
          <input type="checkbox" checked={skipTuning} onChange={(ev) => setSkipTuning(ev.target.checked)} data-testid="skip-tuning" /> skip kernel tuning
        </label>
        {!ready ? <span className="muted">waiting for the GPU and dataset…</span> : null}
        {ready && estimate ? (
          <span className="muted" data-testid="train-estimate">
            {estimate}
          </span>
        ) : null}
      </div>
    </section>
  );
}
