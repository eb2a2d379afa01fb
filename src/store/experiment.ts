// The experiment: everything needed to reproduce a comparison (dataset spec, model size, sharing
// knobs, loss, hyper-parameters, runs as preset × seed). It serialises to the URL hash and to a JSON
// file; parseExperiment validates untrusted JSON before anything touches the store.
import { type ClipConfig, DEFAULT_CONFIG, type LossKind, type SharingSpec, VISION_STEMS, type VisionStem } from '../model/config';
import { type ParamCounts, buildLayout, paramCounts } from '../model/params';
import { PRESET_NAMES, presetConfig } from '../model/registry';
import { configProblemsByField } from '../model/validate';
import type { LayerSharing } from '../model/sharing';
import { DEFAULT_HYPER, HYPER_RULES, type TrainHyper, validateHyper } from '../train/hyper';
import { DEFAULT_DATASET, type DatasetSpec, type EvalSetSpec } from '../data/types';
import { type Schema, checkSchema, overlay } from './schema';

export interface ModelSettings {
  /**
   * `stem` / `parallelBranch` override every selected preset's own when set (absent = the preset's: `ms-clip`
   * has the conv stem and the branch, the others the patch embedding and no branch), as a variant's `model` does.
   */
  vision: { imageSize: number; patchSize: number; width: number; depth: number; heads: number; mlpRatio: number; stem?: VisionStem; parallelBranch?: boolean };
  text: { width: number; depth: number; heads: number; mlpRatio: number };
  embedDim: number;
  /** Modality-specific layers for separate-first-k / separate-last-k. */
  k: number;
  /** Per-layer sharing for the custom preset (rows = max depth). */
  matrix: LayerSharing[];
}

export interface PlannedRun {
  preset: string;
  seed: number;
}

export interface Experiment {
  dataset: DatasetSpec;
  model: ModelSettings;
  loss: LossKind;
  hyper: TrainHyper;
  /** Selection for "Add to queue" / "Train": one run per preset × seed. */
  presets: string[];
  seeds: number[];
  runs: PlannedRun[];
}

const d = DEFAULT_CONFIG;
export const DEFAULT_EXPERIMENT: Experiment = {
  dataset: { ...DEFAULT_DATASET },
  model: {
    vision: { imageSize: d.vision.imageSize, patchSize: d.vision.patchSize, width: d.vision.width, depth: d.vision.depth, heads: d.vision.heads, mlpRatio: d.vision.mlpRatio },
    text: { width: d.text.width, depth: d.text.depth, heads: d.text.heads, mlpRatio: d.text.mlpRatio },
    embedDim: d.embedDim,
    k: 1,
    matrix: [
      { attn: false, mlp: false, ln: false },
      { attn: true, mlp: false, ln: false },
      { attn: true, mlp: true, ln: false },
      { attn: true, mlp: true, ln: true },
    ],
  },
  loss: 'infonce',
  hyper: { ...DEFAULT_HYPER },
  presets: ['separate', 'shared-all'],
  seeds: [0],
  runs: [],
};

const int = (min: number, max: number): Schema => ({ kind: 'int', min, max });
const MAX_SEED = 2 ** 31 - 1;
const UPLOAD_ID: Schema = { kind: 'str', pattern: /^[0-9a-f]{64}$/, what: 'an upload id (64 hex digits)' };
/** EvalSetSpec.name: also a column-group name and a CSV column prefix. */
export const EVAL_SET_NAME = /^[A-Za-z0-9_.-]{1,40}$/;
export const MAX_EVAL_SETS = 8;
const towerFields = { width: int(2, 1024), depth: int(1, 24), heads: int(1, 64), mlpRatio: int(1, 8) };

export const EXPERIMENT_SCHEMA: Schema = {
  kind: 'obj',
  fields: {
    dataset: {
      kind: 'obj',
      fields: {
        kind: { kind: 'enum', values: ['builtin', 'upload'] },
        seed: int(0, MAX_SEED),
        count: int(16, 100_000),
        valCount: int(4, 20_000),
        heldOutCount: int(0, 20_000),
        size: int(8, 128),
        upload: UPLOAD_ID,
        vocabSize: int(259, 8192),
        contextLength: int(4, 256),
        evalSets: {
          kind: 'arr',
          max: MAX_EVAL_SETS,
          of: {
            kind: 'obj',
            fields: {
              name: { kind: 'str', pattern: EVAL_SET_NAME, what: 'a set name (1–40 letters, digits, _ . -)' },
              kind: { kind: 'enum', values: ['builtin', 'upload'] },
              seed: int(0, MAX_SEED),
              count: int(4, 20_000),
              upload: UPLOAD_ID,
              // The headless runner ingests it and replaces it by `upload`; the browser cannot read a path.
              path: { kind: 'str', pattern: /^[^\0]{1,1000}$/, what: 'a folder or archive path' },
            },
          },
        },
      },
    },
    model: {
      kind: 'obj',
      fields: {
        vision: {
          kind: 'obj',
          fields: { imageSize: int(4, 128), patchSize: int(1, 64), ...towerFields, stem: { kind: 'enum', values: VISION_STEMS }, parallelBranch: { kind: 'bool' } },
        },
        text: { kind: 'obj', fields: towerFields },
        embedDim: int(2, 1024),
        k: int(0, 24),
        matrix: { kind: 'arr', max: 24, of: { kind: 'obj', fields: { attn: { kind: 'bool' }, mlp: { kind: 'bool' }, ln: { kind: 'bool' } } } },
      },
    },
    loss: { kind: 'enum', values: ['infonce', 'siglip'] },
    hyper: {
      kind: 'obj',
      fields: Object.fromEntries(
        Object.entries(HYPER_RULES).map(([k, r]) => [k, { kind: r.int ? 'int' : 'num', min: r.min, max: r.max } as Schema]),
      ),
    },
    presets: { kind: 'arr', max: 16, of: { kind: 'enum', values: PRESET_NAMES } },
    seeds: { kind: 'arr', max: 32, of: int(0, MAX_SEED) },
    runs: { kind: 'arr', max: 64, of: { kind: 'obj', fields: { preset: { kind: 'enum', values: PRESET_NAMES }, seed: int(0, MAX_SEED) } } },
  },
};

/** Rows of the sharing matrix follow the deeper tower: pad with "not shared" or truncate. */
export function fitMatrix(m: LayerSharing[], depth: number): LayerSharing[] {
  return Array.from({ length: depth }, (_, l) => ({ ...(m[l] ?? { attn: false, mlp: false, ln: false }) }));
}

export type ParseResult = { ok: true; value: Experiment } | { ok: false; error: string };

/** Validate untrusted JSON text and overlay it on `base`. Never throws. */
export function parseExperiment(text: string, base: Experiment = DEFAULT_EXPERIMENT): ParseResult {
  if (text.length > 200_000) return { ok: false, error: 'experiment JSON is too large (over 200 kB)' };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  const problem = checkSchema(EXPERIMENT_SCHEMA, raw);
  if (problem) return { ok: false, error: problem };
  const value = overlay(base, raw);
  const sets = evalSetsProblem(value.dataset.evalSets, false);
  if (sets) return { ok: false, error: sets };
  const hyperErrors = Object.values(validateHyper(value.hyper));
  if (hyperErrors.length) return { ok: false, error: `experiment.hyper: ${hyperErrors[0]}` };
  value.model = { ...value.model, matrix: fitMatrix(value.model.matrix, Math.max(value.model.vision.depth, value.model.text.depth)) };
  return { ok: true, value };
}

export const serializeExperiment = (e: Experiment) => JSON.stringify(e);

/** The full config of one preset under the current model settings. */
export function runConfig(preset: string, m: ModelSettings, loss: LossKind, vocab?: { vocabSize: number; contextLength: number }): ClipConfig {
  const sharing: SharingSpec | undefined =
    preset === 'custom'
      ? { preset: 'custom', matrix: fitMatrix(m.matrix, Math.max(m.vision.depth, m.text.depth)) }
      : preset === 'separate-first-k' || preset === 'separate-last-k'
        ? { preset, k: m.k }
        : undefined;
  return presetConfig(preset, {
    vision: { ...m.vision },
    text: { ...m.text, ...(vocab ?? {}) },
    embedDim: m.embedDim,
    loss,
    ...(sharing ? { sharing } : {}),
  });
}

/** A form field ("vision.patchSize", "vision.parallelBranch", "sharing", …): the keys of configProblemsByField. */
export type ModelField = string;

/**
 * Field-level problems of the model settings for a preset (empty when it builds). Besides the one rule of the
 * form's own (image size = the dataset's), these are exactly the model's refusals (src/model/validate.ts), so
 * the UI refuses what the model refuses, at the field — the conv stems' patch rule, a branch that would fuse
 * nowhere, a depth the released conv stem cannot hold.
 */
export function modelProblems(preset: string, m: ModelSettings, loss: LossKind, datasetSize: number): Partial<Record<ModelField, string>> {
  const out: Partial<Record<ModelField, string>> = configProblemsByField(runConfig(preset, m, loss));
  if (m.vision.imageSize !== datasetSize) out['vision.imageSize'] = `image size must equal the dataset image size (${datasetSize})`;
  return out;
}

/** Problems of every selected preset merged per field; with several presets each message names its preset. */
export function presetsProblems(presets: string[], m: ModelSettings, loss: LossKind, datasetSize: number): Partial<Record<ModelField, string>> {
  const out: Partial<Record<ModelField, string>> = {};
  const list = presets.length ? presets : ['separate'];
  for (const p of list) {
    for (const [field, msg] of Object.entries(modelProblems(p, m, loss, datasetSize))) {
      if (msg === undefined || out[field] !== undefined) continue;
      out[field] = list.length > 1 && field !== 'vision.imageSize' ? `${p}: ${msg}` : msg;
    }
  }
  return out;
}

/** Live parameter counts of a preset, or the error that stops it from building. */
export function presetCounts(preset: string, m: ModelSettings, loss: LossKind, vocab?: { vocabSize: number; contextLength: number }): { counts?: ParamCounts; error?: string } {
  try {
    return { counts: paramCounts(buildLayout(runConfig(preset, m, loss, vocab))) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * What the schema cannot say about evaluation sets: names unique, an upload set names its upload (or, for the
 * headless runner, a path), a built-in set has no upload. `browser`: a path alone cannot be read here.
 */
export function evalSetsProblem(sets: EvalSetSpec[] | undefined, browser: boolean): string | null {
  const seen = new Set<string>();
  for (const [i, e] of (sets ?? []).entries()) {
    const at = `dataset.evalSets[${i}] "${e.name}"`;
    if (seen.has(e.name)) return `${at}: the name is used twice (each evaluation set names its own columns)`;
    seen.add(e.name);
    if (e.kind === 'builtin' && (e.upload || e.path)) return `${at}: a built-in set takes a seed and a count, not an upload`;
    if (e.kind === 'upload' && !e.upload && !e.path) return `${at}: an upload set needs "upload" (the content id of a cached upload)`;
    if (browser && e.kind === 'upload' && !e.upload) return `${at}: "${e.path}" is a path for the headless runner; in the browser drop the folder and add it from the cached uploads`;
  }
  return null;
}

/** Why a dataset spec cannot be generated (ranges as in the experiment schema), or null. */
export function datasetProblem(spec: DatasetSpec): string | null {
  const s = EXPERIMENT_SCHEMA.kind === 'obj' ? EXPERIMENT_SCHEMA.fields.dataset : undefined;
  if (spec.kind === 'upload' && !spec.upload) return 'dataset: no upload chosen (drop a folder or archive below)';
  return (s ? checkSchema(s, spec, 'dataset') : null) ?? evalSetsProblem(spec.evalSets, true);
}

/** A name for a new evaluation set that no other set of `sets` has: `base`, `base-2`, … */
export function freshEvalSetName(sets: readonly EvalSetSpec[], base: string): string {
  const stem = base.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 34) || 'set';
  const taken = new Set(sets.map((s) => s.name));
  for (let k = 1; ; k++) {
    const name = k === 1 ? stem : `${stem}-${k}`;
    if (!taken.has(name)) return name;
  }
}
