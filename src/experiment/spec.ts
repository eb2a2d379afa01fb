// The experiment file (`npm run experiment -- experiments/x.json`): presets × seeds on one dataset,
// with shared model overrides and hyper-parameters. Validated strictly: unknown keys are errors.
import type { ClipConfig, DeepPartial, LossKind } from '../model/config';
import { PRESET_NAMES, presetConfig } from '../model/registry';
import { resolveSharing } from '../model/sharing';
import { DEFAULT_HYPER, type TrainHyper, validateHyper } from '../train/hyper';
import { DEFAULT_DATASET, type DatasetSpec } from '../data/types';
import type { ParamCounts } from '../model/params';
import type { EvalMetrics } from '../train/evaluate';
import type { RunRequest } from '../train/types';

export interface ExperimentSpec {
  name: string;
  description?: string;
  dataset?: Partial<DatasetSpec>;
  model?: DeepPartial<ClipConfig>;
  loss?: LossKind;
  hyper?: Partial<TrainHyper>;
  presets: string[];
  seeds: number[];
}

const KEYS = new Set(['name', 'description', 'dataset', 'model', 'loss', 'hyper', 'presets', 'seeds']);

export function validateExperiment(x: unknown): ExperimentSpec {
  const fail = (m: string): never => {
    throw new Error(`experiment file: ${m}`);
  };
  if (!x || typeof x !== 'object' || Array.isArray(x)) fail('must be a JSON object');
  const e = x as Record<string, unknown>;
  for (const k of Object.keys(e)) if (!KEYS.has(k)) fail(`unknown key "${k}" (allowed: ${[...KEYS].join(', ')})`);
  if (typeof e.name !== 'string' || !/^[\w.-]{1,80}$/.test(e.name)) fail('"name" must be 1–80 characters of letters, digits, _ . -');
  if (!Array.isArray(e.presets) || e.presets.length === 0) fail('"presets" must be a non-empty list');
  for (const p of e.presets as unknown[]) if (typeof p !== 'string' || !PRESET_NAMES.includes(p)) fail(`unknown preset ${JSON.stringify(p)}; known: ${PRESET_NAMES.join(', ')}`);
  if (!Array.isArray(e.seeds) || e.seeds.length === 0 || !(e.seeds as unknown[]).every((s) => Number.isInteger(s) && (s as number) >= 0 && (s as number) < 2 ** 31)) {
    fail('"seeds" must be a non-empty list of non-negative integers');
  }
  if (e.loss !== undefined && e.loss !== 'infonce' && e.loss !== 'siglip') fail('"loss" must be "infonce" or "siglip"');
  const herr = validateHyper((e.hyper ?? {}) as Record<string, unknown>);
  const first = Object.values(herr)[0];
  if (first) fail(`hyper: ${first}`);
  return e as unknown as ExperimentSpec;
}

export function experimentRuns(spec: ExperimentSpec): { dataset: DatasetSpec; runs: RunRequest[] } {
  const dataset = { ...DEFAULT_DATASET, ...spec.dataset };
  const hyper = { ...DEFAULT_HYPER, ...spec.hyper };
  const runs: RunRequest[] = [];
  for (const preset of spec.presets) {
    const config = presetConfig(preset, { ...spec.model, ...(spec.loss ? { loss: spec.loss } : {}) });
    resolveSharing(config);
    for (const seed of spec.seeds) {
      runs.push({ id: `${preset}-s${seed}`, label: `${preset} · seed ${seed}`, preset, config, hyper, seed });
    }
  }
  return { dataset, runs };
}

/** One run's results as the headless runner writes them (experiments/results/*.json). */
export interface RunResultJson {
  id: string;
  preset: string;
  seed: number;
  params?: ParamCounts;
  curve: { step: number; loss: number; gradNorm: number; logitScale: number; lr: number }[];
  evals: EvalMetrics[];
  final: EvalMetrics | null;
  wallMs: number;
  status: string;
  message?: string;
}
