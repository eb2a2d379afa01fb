// Named model presets: JSON files holding only differences from DEFAULT_CONFIG (open_clip style).
// The same string keys are used by the UI, the URL state, experiment files and the tests.
// One source: presets/index.json lists the names in display order and the PyTorch twin reads the same files
// (python/sharelab_torch/config.py preset_names / load_preset); model.test.ts checks the list matches the files.
import { type ClipConfig, type DeepPartial, withDefaults } from './config';
import index from './presets/index.json';

const files = import.meta.glob<DeepPartial<ClipConfig>>(['./presets/*.json', '!./presets/index.json'], { eager: true, import: 'default' });

export const PRESETS: Record<string, DeepPartial<ClipConfig>> = Object.fromEntries(
  Object.entries(files).map(([path, cfg]) => [path.replace(/^.*\/(.*)\.json$/, '$1'), cfg]),
);

export const PRESET_NAMES: string[] = [...index];

/** A preset by name, overlaid with optional overrides (e.g. a smaller width for tests). */
export function presetConfig(name: string, overrides: DeepPartial<ClipConfig> = {}): ClipConfig {
  const p = PRESETS[name];
  if (!p) throw new Error(`unknown model preset "${name}"; known: ${PRESET_NAMES.join(', ')}`);
  return withDefaults(overrides, withDefaults(p));
}
