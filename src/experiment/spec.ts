// The experiment file (`npm run experiment -- experiments/x.json`): presets × seeds on one dataset,
// with shared model overrides and hyper-parameters. Validated strictly: unknown keys are errors.
import { type ClipConfig, type DeepPartial, type LossKind, withDefaults } from '../model/config';
import { PRESET_NAMES, presetConfig } from '../model/registry';
import { configProblems } from '../model/validate';
import { DEFAULT_HYPER, type TrainHyper, validateHyper } from '../train/hyper';
import { evalSetProblems } from '../data/eval-sets';
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
  /** Preset or variant names; the first is the baseline every other is compared with. */
  presets: string[];
  seeds: number[];
  /**
   * Named variants of a preset for ablations (e.g. ms-clip without its parallel branch): `model` is laid
   * over the experiment's `model`, then over the preset. A variant's runs carry the variant's name as their
   * preset, so tables and comparisons name exactly what ran.
   */
  variants?: Record<string, ExperimentVariant>;
}

export interface ExperimentVariant {
  preset: string;
  model?: DeepPartial<ClipConfig>;
}

const KEYS = new Set(['name', 'description', 'dataset', 'model', 'loss', 'hyper', 'presets', 'seeds', 'variants']);

export function validateExperiment(x: unknown): ExperimentSpec {
  const fail = (m: string): never => {
    throw new Error(`experiment file: ${m}`);
  };
  if (!x || typeof x !== 'object' || Array.isArray(x)) fail('must be a JSON object');
  const e = x as Record<string, unknown>;
  for (const k of Object.keys(e)) if (!KEYS.has(k)) fail(`unknown key "${k}" (allowed: ${[...KEYS].join(', ')})`);
  if (typeof e.name !== 'string' || !/^[\w.-]{1,80}$/.test(e.name)) fail('"name" must be 1–80 characters of letters, digits, _ . -');
  if (!Array.isArray(e.presets) || e.presets.length === 0) fail('"presets" must be a non-empty list');
  const variants = (e.variants ?? {}) as Record<string, unknown>;
  if (typeof variants !== 'object' || Array.isArray(variants)) fail('"variants" must be an object of name → { preset, model }');
  for (const [name, v] of Object.entries(variants)) {
    if (!/^[\w.+-]{1,60}$/.test(name)) fail(`variant name ${JSON.stringify(name)}: 1–60 characters of letters, digits, _ . + -`);
    if (PRESET_NAMES.includes(name)) fail(`variant "${name}" has a preset's name: give it its own`);
    const o = v as Record<string, unknown>;
    if (!o || typeof o !== 'object' || Array.isArray(o)) fail(`variant "${name}" must be an object { preset, model }`);
    for (const k of Object.keys(o)) if (k !== 'preset' && k !== 'model') fail(`variant "${name}": unknown key "${k}" (allowed: preset, model)`);
    if (typeof o.preset !== 'string' || !PRESET_NAMES.includes(o.preset)) fail(`variant "${name}": unknown preset ${JSON.stringify(o.preset)}; known: ${PRESET_NAMES.join(', ')}`);
  }
  for (const p of e.presets as unknown[]) {
    if (typeof p !== 'string' || !(PRESET_NAMES.includes(p) || p in variants)) fail(`unknown preset or variant ${JSON.stringify(p)}; known presets: ${PRESET_NAMES.join(', ')}`);
  }
  if (!Array.isArray(e.seeds) || e.seeds.length === 0 || !(e.seeds as unknown[]).every((s) => Number.isInteger(s) && (s as number) >= 0 && (s as number) < 2 ** 31)) {
    fail('"seeds" must be a non-empty list of non-negative integers');
  }
  if (e.loss !== undefined && e.loss !== 'infonce' && e.loss !== 'siglip') fail('"loss" must be "infonce" or "siglip"');
  if (e.dataset !== undefined && (!e.dataset || typeof e.dataset !== 'object' || Array.isArray(e.dataset))) fail('"dataset" must be an object');
  const ds = (e.dataset ?? {}) as Partial<DatasetSpec>;
  const evalProblems = evalSetProblems(ds.evalSets, ds, { headless: true });
  if (evalProblems.length) fail(evalProblems.join('; '));
  const herr = validateHyper((e.hyper ?? {}) as Record<string, unknown>);
  const first = Object.values(herr)[0];
  if (first) fail(`hyper: ${first}`);
  // Never silently inert: only teacher runs (the teacher panel) have a vision-tower optimiser group.
  const hv = (e.hyper as Record<string, unknown> | undefined)?.lrMultVision;
  if (hv !== undefined && hv !== 1) fail('hyper: lrMultVision is the vision-tower lr of teacher runs (teacher panel); experiment files train two-tower runs — leave it at 1');
  return e as unknown as ExperimentSpec;
}

export function experimentRuns(spec: ExperimentSpec): { dataset: DatasetSpec; runs: RunRequest[] } {
  const dataset = { ...DEFAULT_DATASET, ...spec.dataset };
  const hyper = { ...DEFAULT_HYPER, ...spec.hyper };
  const runs: RunRequest[] = [];
  for (const preset of spec.presets) {
    const variant = spec.variants?.[preset];
    const base = presetConfig(variant?.preset ?? preset, { ...spec.model, ...(spec.loss ? { loss: spec.loss } : {}) });
    const config = variant?.model ? withDefaults(variant.model, base) : base;
    const problems = configProblems(config);
    if (problems.length) throw new Error(`experiment: preset ${preset}: ${problems.join('; ')}`);
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
  /** As the worker counted them for the config it trained; `params.byModule` = counts per module (src/model/modules.ts). */
  params?: ParamCounts;
  curve: { step: number; loss: number; gradNorm: number; logitScale: number; lr: number }[];
  evals: EvalMetrics[];
  final: EvalMetrics | null;
  wallMs: number;
  status: string;
  message?: string;
  /** The tuned kernel table the run trained with (src/kernels/tuner.ts tableJson), null when none. */
  kernels?: object | null;
  /** Lowest validation loss and its step (keepBest: the weights `final` describes). */
  best?: { step: number; valLoss: number };
  /** Ended by early stopping (hyper.earlyStop). */
  stoppedEarly?: boolean;
  /** The overfitting note (src/train/best.ts), when it applied. */
  note?: string;
  /** The final weights' metrics on each evaluation set (dataset.evalSets), by set name. */
  evalSets?: Record<string, EvalMetrics>;
}
