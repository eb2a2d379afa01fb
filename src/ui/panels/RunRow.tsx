// One run in the queue: colour, label, status, progress, speed, ETA and its controls.
import { checkpointRun, deleteRun, exportForPyTorch, pauseRun, resumeRun, stopRun } from '../../store/client';
import { resumeInterrupted } from '../../store/session';
import type { RunInfo } from '../../store/runsSlice';
import { useStore } from '../../store/store';
import { OnnxExportButton } from './OnnxExportButton';

const eta = (left: number, sps: number) => {
  if (!(sps > 0) || left <= 0) return '—';
  const s = Math.round(left / sps);
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
};

export function RunRow({ id }: { id: string }) {
  const r = useStore((s) => s.runs[id]) as RunInfo | undefined;
  const total = useStore((s) => s.runs[id]?.request?.hyper.steps ?? s.experiment.hyper.steps);
  if (!r) return null;
  const step = r.steps[r.steps.length - 1]?.step ?? 0;
  const skipped = r.steps.reduce((n, x) => n + (x.skipped ? 1 : 0), 0);
  const active = r.status === 'running' || r.status === 'queued' || r.status === 'paused';
  return (
    <tr data-testid="run-row" data-status={r.status}>
      <td>
        <span className="swatch" style={{ background: r.color }} aria-hidden="true" />
      </td>
      <td>{r.label}</td>
      <td className={`status ${r.status}`} title={r.message}>
        {r.status}
        {r.message ? ` — ${r.message}` : ''}
        {skipped > 0 ? (
          <span className="warn" title="steps whose gradients had NaN/Inf: skipped on the GPU, weights unchanged">
            {' '}
            ⚠ {skipped} skipped
          </span>
        ) : null}
        {r.status === 'running' && r.tuning ? (
          <div className="muted small" data-testid="run-tuning" title="the kernel autotuner times this adapter's kernel variants on the run's shapes (once per shape)">
            {r.tuning}
          </div>
        ) : null}
        {r.best ? (
          <div className="muted small" data-testid="run-best" title={`lowest validation loss ${r.best.valLoss.toFixed(4)}${r.request?.hyper.keepBest ? ': the run ends with these weights' : ''}`}>
            best at step {r.best.step}
            {r.stoppedEarly ? ' · stopped early' : ''}
          </div>
        ) : null}
        {r.note ? (
          <div className="warn small" data-testid="run-note">
            {r.note}
          </div>
        ) : null}
      </td>
      <td>
        <progress max={total} value={step} aria-label={`${r.label} progress`} /> {step}/{total}
      </td>
      <td>{r.status === 'running' && r.stepsPerSec > 0 ? r.stepsPerSec.toFixed(2) : '—'}</td>
      <td>{r.status === 'running' ? eta(total - step, r.stepsPerSec) : r.wallMs !== undefined ? `took ${(r.wallMs / 1000).toFixed(1)} s` : '—'}</td>
      <td className="run-actions">
        {r.status === 'running' ? (
          <button type="button" className="small" onClick={() => pauseRun(id)} aria-label={`Pause ${r.label}`}>
            Pause
          </button>
        ) : null}
        {r.status === 'paused' ? (
          <button type="button" className="small" onClick={() => (r.interrupted ? resumeInterrupted(id) : resumeRun(id))} aria-label={`Resume ${r.label}`}>
            Resume
          </button>
        ) : null}
        {active ? (
          <button type="button" className="small" onClick={() => stopRun(id)} aria-label={`Stop ${r.label}`}>
            Stop
          </button>
        ) : null}
        {r.status !== 'queued' && r.status !== 'planned' ? (
          <button
            type="button"
            className="small"
            onClick={() => checkpointRun(id, true)}
            aria-label={`Download checkpoint of ${r.label}`}
            title={r.checkpointStep !== undefined ? `last saved in the browser at step ${r.checkpointStep}` : 'save and download a safetensors checkpoint'}
          >
            Checkpoint
          </button>
        ) : null}
        {(r.status === 'done' || r.status === 'stopped' || r.status === 'paused') && !r.interrupted ? (
          <button
            type="button"
            className="small"
            onClick={() => exportForPyTorch(id)}
            aria-label={`Export ${r.label} for PyTorch`}
            title="Download a zip for python/sharelab_torch: this run's checkpoint, config, tokenizer, hyper-parameters and ready torchrun commands"
          >
            PyTorch
          </button>
        ) : null}
        <OnnxExportButton id={id} label={r.label} status={r.status} />
        <button type="button" className="small" onClick={() => deleteRun(id)} aria-label={`Delete ${r.label}`}>
          Delete
        </button>
      </td>
    </tr>
  );
}
