// Named model presets: JSON files holding only differences from DEFAULT_CONFIG (open_clip style).
// The same string keys are used by the UI, the URL state, experiment files and the tests.
import { type ClipConfig, type DeepPartial, withDefaults } from './config';

const files = import.meta.glob<DeepPartial<ClipConfig>>('./presets/*.json', { eager: true, import: 'default' });

export const PRESETS: Record<string, DeepPartial<ClipConfig>> = Object.fromEntries(
  Object.entries(files).map(([path, cfg]) => [path.replace(/^.*\/(.*)\.json$/, '$1'), cfg]),
);

export const PRESET_NAMES: string[] = [
  'separate',
  'shared-all',
  'shared-except-ln',
  'shared-attn',
  'shared-mlp',
  'separate-first-k',
  'separate-last-k',
  'ms-clip',
  'custom',
].filter((n) => n in PRESETS);

/** A preset by name, overlaid with optional overrides (e.g. a smaller width for tests). */
export function presetConfig(name: string, overrides: DeepPartial<ClipConfig> = {}): ClipConfig {
  const p = PRESETS[name];
  if (!p) throw new Error(`unknown model preset "${name}"; known: ${PRESET_NAMES.join(', ')}`);
  return withDefaults(overrides, withDefaults(p));
}
