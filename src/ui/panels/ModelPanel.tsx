// Model: presets to compare (with help), k, custom sharing matrix, tower sizes, vision stem and parallel
// branch, loss, live counts. Every field's error is the model's own refusal (store/experiment modelProblems).
import { VISION_STEMS, type VisionStem } from '../../model/config';
import { PRESET_NAMES } from '../../model/registry';
import { presetsProblems } from '../../store/experiment';
import { useStore } from '../../store/store';
import { BRANCH_HELP, PRESET_HELP, STEM_HELP } from '../help';
import { NumberField } from '../NumberField';
import { ParamCounts } from './ParamCounts';
import { SharingMatrix } from './SharingMatrix';
import { SizePicker } from './SizePicker';
import { TeacherPanel } from './TeacherPanel';

function PresetPicker() {
  const selected = useStore((s) => s.experiment.presets);
  const toggle = useStore((s) => s.togglePreset);
  return (
    <fieldset className="presets" data-testid="preset-picker">
      <legend>Sharing presets to compare</legend>
      {PRESET_NAMES.map((p) => (
        <label key={p} className="preset">
          <input type="checkbox" value={p} checked={selected.includes(p)} onChange={(e) => toggle(p, e.target.checked)} />
          <b>{p}</b> <span className="muted">{PRESET_HELP[p] ?? ''}</span>
        </label>
      ))}
    </fieldset>
  );
}

function TowerFields({ tower }: { tower: 'vision' | 'text' }) {
  const e = useStore((s) => s.experiment);
  const setTower = useStore((s) => s.setTower);
  const t = e.model[tower];
  const problems = presetsProblems(e.presets, e.model, e.loss, e.dataset.size);
  return (
    <fieldset className="fields" data-testid={`${tower}-fields`}>
      <legend>{tower}</legend>
      {tower === 'vision' ? (
        <>
          <NumberField label="image size" value={e.model.vision.imageSize} onChange={(imageSize) => setTower('vision', { imageSize })} error={problems['vision.imageSize']} testId="vision-imageSize" />
          <NumberField label="patch" value={e.model.vision.patchSize} onChange={(patchSize) => setTower('vision', { patchSize })} error={problems['vision.patchSize']} testId="vision-patchSize" />
        </>
      ) : null}
      <NumberField label="width" value={t.width} onChange={(width) => setTower(tower, { width })} error={problems[`${tower}.width`]} testId={`${tower}-width`} />
      <NumberField label="depth" value={t.depth} onChange={(depth) => setTower(tower, { depth })} error={problems[`${tower}.depth`]} testId={`${tower}-depth`} />
      <NumberField label="heads" value={t.heads} onChange={(heads) => setTower(tower, { heads })} error={problems[`${tower}.heads`]} testId={`${tower}-heads`} />
      <NumberField label="MLP ratio" value={t.mlpRatio} onChange={(mlpRatio) => setTower(tower, { mlpRatio })} testId={`${tower}-mlpRatio`} />
    </fieldset>
  );
}

/** A labelled select with the field's error (the model's refusal) under it. */
function SelectField(props: { id: string; label: string; value: string; options: [string, string][]; help: string; error?: string; onChange(v: string): void }) {
  return (
    <div className={`field wide${props.error ? ' invalid' : ''}`}>
      <label htmlFor={props.id} title={props.help}>
        {props.label}
      </label>
      <select id={props.id} data-testid={props.id} value={props.value} aria-invalid={!!props.error} onChange={(ev) => props.onChange(ev.target.value)}>
        {props.options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
      <small className="muted">{props.help}</small>
      {props.error ? <span className="err">{props.error}</span> : null}
    </div>
  );
}

const STEM_LABEL: Record<VisionStem, string> = { patch: 'patch embedding', conv: 'conv stem = layer 0 (MS-CLIP)', 'conv-plus-layer0': 'conv stem + layer 0 (ours)' };

/** Vision stem and parallel branch: overrides of every selected preset's own ('' = the preset's). */
function StemFields() {
  const e = useStore((s) => s.experiment);
  const v = e.model.vision;
  const setTower = useStore((s) => s.setTower);
  const problems = presetsProblems(e.presets, e.model, e.loss, e.dataset.size);
  const stem = v.stem ?? '';
  const branch = v.parallelBranch === undefined ? '' : v.parallelBranch ? 'on' : 'off';
  return (
    <fieldset className="fields" data-testid="stem-fields">
      <legend>vision input (MS-CLIP)</legend>
      <SelectField
        id="vision-stem"
        label="stem"
        value={stem}
        options={[['', 'preset’s own'], ...VISION_STEMS.map((s): [string, string] => [s, STEM_LABEL[s]])]}
        help={STEM_HELP[stem]}
        error={problems['vision.stem']}
        onChange={(s) => setTower('vision', { stem: (VISION_STEMS as readonly string[]).includes(s) ? (s as VisionStem) : undefined })}
      />
      <SelectField
        id="vision-parallelBranch"
        label="parallel branch"
        value={branch}
        options={[['', 'preset’s own'], ['on', 'on'], ['off', 'off']]}
        help={BRANCH_HELP}
        error={problems['vision.parallelBranch']}
        onChange={(b) => setTower('vision', { parallelBranch: b === '' ? undefined : b === 'on' })}
      />
    </fieldset>
  );
}

/** Fields the panel shows an error at; 'sharing' shows at k / the matrix and in the counts table's error row. */
const PLACED = new Set(['vision.imageSize', 'vision.patchSize', 'vision.width', 'vision.depth', 'vision.heads', 'vision.stem', 'vision.parallelBranch', 'text.width', 'text.depth', 'text.heads', 'sharing']);

/** The model's refusals that have no field here (e.g. a model too large for a tab), so none is silent. */
function OtherProblems() {
  const e = useStore((s) => s.experiment);
  const rest = Object.entries(presetsProblems(e.presets, e.model, e.loss, e.dataset.size)).filter(([k]) => !PLACED.has(k));
  if (!rest.length) return null;
  return (
    <ul className="err" data-testid="model-problems">
      {rest.map(([k, v]) => (
        <li key={k}>
          {k}: {v}
        </li>
      ))}
    </ul>
  );
}

export function ModelPanel() {
  const e = useStore((s) => s.experiment);
  const setModel = useStore((s) => s.setModel);
  const setLoss = useStore((s) => s.setLoss);
  const kPreset = e.presets.find((p) => p === 'separate-first-k' || p === 'separate-last-k');
  const kError = kPreset ? presetsProblems([kPreset], e.model, e.loss, e.dataset.size).sharing : undefined;
  const customError = e.presets.includes('custom') ? presetsProblems(['custom'], e.model, e.loss, e.dataset.size).sharing : undefined;
  return (
    <section className="panel" aria-labelledby="model-h" data-testid="model-panel">
      <h2 id="model-h">Model</h2>
      <PresetPicker />
      <div className="fields">
        <NumberField label="k (separate-first/last-k)" value={e.model.k} onChange={(k) => setModel({ k })} error={kError} testId="model-k" />
        <NumberField label="embed dim" value={e.model.embedDim} onChange={(embedDim) => setModel({ embedDim })} testId="model-embedDim" />
        <div className="field">
          <label htmlFor="loss-select">loss</label>
          <select id="loss-select" data-testid="loss" value={e.loss} onChange={(ev) => setLoss(ev.target.value === 'siglip' ? 'siglip' : 'infonce')}>
            <option value="infonce">InfoNCE (CLIP)</option>
            <option value="siglip">SigLIP</option>
          </select>
        </div>
      </div>
      <SizePicker />
      <div className="towers">
        <TowerFields tower="vision" />
        <TowerFields tower="text" />
      </div>
      <StemFields />
      <OtherProblems />
      {e.presets.includes('custom') ? <SharingMatrix error={customError} /> : null}
      <ParamCounts />
      <TeacherPanel />
    </section>
  );
}
