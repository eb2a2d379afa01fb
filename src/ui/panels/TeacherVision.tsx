// The teacher panel's vision-tower row (LLM2CLIP fine-tunes a pretrained vision encoder): where teacher runs'
// vision tower starts — from scratch, a finished run of this session, or a .safetensors checkpoint (ShareLab's
// or the PyTorch twin's) — and the tower's own learning-rate multiplier (hyper lrMultVision).
import { useId, useState } from 'react';
import { validateHyper } from '../../train/hyper';
import { chooseVisionFile, chooseVisionRun, setVisionScratch } from '../../store/teacher';
import { useSlice, useStore } from '../../store/store';
import type { TeacherVisionInfo } from '../../teacher/messages';
import { NumberField } from '../NumberField';

const LR_HELP =
  "× the learning rate of the vision tower in teacher runs (weight decay unchanged). LLM2CLIP fine-tunes its pretrained encoder slower than the adapter, e.g. 0.1; 0 freezes the tower";

const towerSummary = (v: TeacherVisionInfo) =>
  `width ${v.vision.width}, depth ${v.vision.depth}, ${v.vision.heads} heads, ${v.vision.imageSize}px / patch ${v.vision.patchSize}${v.vision.stem && v.vision.stem !== 'patch' ? `, stem ${v.vision.stem}` : ''}, joint width ${v.embedDim}`;

export function TeacherVision({ problem }: { problem: string | null }) {
  const id = useId();
  const vision = useSlice('teacher', (s) => s.vision);
  const order = useStore((s) => s.order);
  const runs = useStore((s) => s.runs);
  const lrMult = useStore((s) => s.experiment.hyper.lrMultVision);
  const setHyper = useStore((s) => s.setHyper);
  const [wantFile, setWantFile] = useState(false);
  const finished = order.map((r) => runs[r]).filter((r) => r && (r.status === 'done' || r.status === 'stopped') && r.request);
  const value = wantFile || vision.choice === 'file' ? 'file' : vision.choice === 'run' && vision.runId ? `run:${vision.runId}` : 'scratch';
  const info = vision.choice === 'scratch' ? null : vision.info;
  return (
    <div className="teacher-vision" data-testid="teacher-vision">
      <div className="fields">
        <div className="field wide">
          <label htmlFor={`${id}-src`} title="the checkpoint's vision settings and joint width replace the model panel's for teacher runs (the tower must fit exactly)">
            vision tower
          </label>
          <select
            id={`${id}-src`}
            data-testid="teacher-vision-source"
            value={value}
            disabled={!!vision.loading}
            onChange={(ev) => {
              const v = ev.target.value;
              setWantFile(v === 'file');
              if (v === 'scratch') setVisionScratch();
              else if (v.startsWith('run:')) chooseVisionRun(v.slice(4));
            }}
          >
            <option value="scratch">from scratch</option>
            {finished.map((r) => (
              <option key={r.id} value={`run:${r.id}`}>
                from run {r.label}
              </option>
            ))}
            <option value="file">from file… (.safetensors, ShareLab or PyTorch twin)</option>
          </select>
          {value === 'file' ? (
            <input
              type="file"
              accept=".safetensors"
              aria-label="vision tower checkpoint (.safetensors)"
              data-testid="teacher-vision-file"
              onChange={(ev) => {
                const f = ev.target.files?.[0];
                ev.target.value = '';
                if (f) void chooseVisionFile(f);
              }}
            />
          ) : null}
        </div>
        <div className="teacher-lr" title={LR_HELP}>
          <NumberField label="lr × vision tower" value={lrMult} step="any" error={validateHyper({ lrMultVision: lrMult }).lrMultVision} onChange={(v) => setHyper({ lrMultVision: v })} testId="hyper-lrMultVision" />
          <small className="muted">{LR_HELP}</small>
        </div>
      </div>
      {vision.loading ? (
        <p className="muted teacher-info" aria-live="polite">
          Reading the vision tower of {vision.loading.name}…
        </p>
      ) : null}
      {info ? (
        <p className="teacher-info" data-testid="teacher-vision-info" data-key={info.key} data-step={info.step}>
          Vision tower from <b>{info.name}</b> (step {info.step}): {towerSummary(info)}; {info.params.toLocaleString()} parameters in {info.tensors} tensors.{' '}
          <span className="muted">Its vision settings and joint width replace the model panel’s for teacher runs; the adapter, logit scale and AdamW state start fresh.</span>
          {info.note ? <span className="err"> {info.note}</span> : null}
        </p>
      ) : (
        <p className="muted teacher-info">The vision tower starts from the seeded init with the model panel’s vision settings.</p>
      )}
      {vision.error ? (
        <p className="err" role="alert" data-testid="teacher-vision-error">
          {vision.error}
          {info ? ` — the vision tower stays ${info.name}.` : ' — the vision tower stays from scratch.'}
        </p>
      ) : null}
      {problem ? (
        <p className="err" role="alert">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
