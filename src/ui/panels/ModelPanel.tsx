// Model: presets to compare (with help), k, custom sharing matrix, tower sizes, loss, live counts.
import { PRESET_NAMES } from '../../model/registry';
import { modelProblems } from '../../store/experiment';
import { useStore } from '../../store/store';
import { PRESET_HELP } from '../help';
import { NumberField } from '../NumberField';
import { ParamCounts } from './ParamCounts';
import { SharingMatrix } from './SharingMatrix';
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
  const problems = modelProblems(e.presets[0] ?? 'separate', e.model, e.loss, e.dataset.size);
  return (
    <fieldset className="fields" data-testid={`${tower}-fields`}>
      <legend>{tower}</legend>
      {tower === 'vision' ? (
        <>
          <NumberField label="image size" value={e.model.vision.imageSize} onChange={(imageSize) => setTower('vision', { imageSize })} error={problems['vision.imageSize']} testId="vision-imageSize" />
          <NumberField label="patch" value={e.model.vision.patchSize} onChange={(patchSize) => setTower('vision', { patchSize })} error={problems['vision.patchSize']} testId="vision-patchSize" />
        </>
      ) : null}
      <NumberField label="width" value={t.width} onChange={(width) => setTower(tower, { width })} testId={`${tower}-width`} />
      <NumberField label="depth" value={t.depth} onChange={(depth) => setTower(tower, { depth })} testId={`${tower}-depth`} />
      <NumberField label="heads" value={t.heads} onChange={(heads) => setTower(tower, { heads })} error={problems[`${tower}.heads`]} testId={`${tower}-heads`} />
      <NumberField label="MLP ratio" value={t.mlpRatio} onChange={(mlpRatio) => setTower(tower, { mlpRatio })} testId={`${tower}-mlpRatio`} />
    </fieldset>
  );
}

export function ModelPanel() {
  const e = useStore((s) => s.experiment);
  const setModel = useStore((s) => s.setModel);
  const setLoss = useStore((s) => s.setLoss);
  const kPreset = e.presets.find((p) => p === 'separate-first-k' || p === 'separate-last-k');
  const kError = kPreset ? modelProblems(kPreset, e.model, e.loss, e.dataset.size).sharing : undefined;
  const customError = e.presets.includes('custom') ? modelProblems('custom', e.model, e.loss, e.dataset.size).sharing : undefined;
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
      <div className="towers">
        <TowerFields tower="vision" />
        <TowerFields tower="text" />
      </div>
      {e.presets.includes('custom') ? <SharingMatrix error={customError} /> : null}
      <ParamCounts />
      <TeacherPanel />
    </section>
  );
}
