// Model-size presets (src/model/sizes.ts: micro / tiny / small / base) as one select above the tower fields,
// each with its parameter count for the first selected sharing preset, so a user on a slow adapter can pick a
// size before pressing Train (the estimate next to Train follows). Picking one sets both towers' width, depth,
// heads, MLP ratio and the embedding; editing a field afterwards shows "custom".
import { SIZE_NAMES, type SizeInfo, sizeOf, sizeTable } from '../../model/sizes';
import { runConfig } from '../../store/experiment';
import { useStore } from '../../store/store';
import { SIZE_HELP } from '../help';

const fmt = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : `${(n / 1e3).toFixed(0)} k`);

export function SizePicker() {
  const e = useStore((s) => s.experiment);
  const setTower = useStore((s) => s.setTower);
  const setModel = useStore((s) => s.setModel);
  const preset = e.presets[0] ?? 'separate';
  let table: SizeInfo[] = [];
  let current: string | null = null;
  try {
    const cfg = runConfig(preset, e.model, e.loss);
    table = sizeTable(cfg);
    current = sizeOf(cfg);
  } catch {
    // A config the model refuses (shown at its field): the sizes are still offered, without counts.
  }
  const pick = (name: string) => {
    const s = table.find((x) => x.name === name);
    if (!s) return;
    const { vision: v, text: t } = s.config;
    setTower('vision', { width: v.width, depth: v.depth, heads: v.heads, mlpRatio: v.mlpRatio });
    setTower('text', { width: t.width, depth: t.depth, heads: t.heads, mlpRatio: t.mlpRatio });
    setModel({ embedDim: s.config.embedDim });
  };
  return (
    <div className="field wide" data-testid="size-picker">
      <label htmlFor="model-size" title={SIZE_HELP}>
        size
      </label>
      <select id="model-size" data-testid="model-size" value={current ?? ''} onChange={(ev) => pick(ev.target.value)}>
        <option value="" disabled>
          custom (the fields below)
        </option>
        {SIZE_NAMES.map((name) => {
          const s = table.find((x) => x.name === name);
          const v = s?.config.vision;
          return (
            <option key={name} value={name} disabled={!s}>
              {name}
              {s && v ? ` · width ${v.width}, depth ${v.depth}, ${v.heads} heads · ${fmt(s.params)} params` : ''}
            </option>
          );
        })}
      </select>
      <small className="muted">
        {SIZE_HELP} Counts for {preset}.
      </small>
    </div>
  );
}
