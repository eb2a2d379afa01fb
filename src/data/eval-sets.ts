// Evaluation sets (issue 19, domain shift): datasets a run is evaluated on besides its own validation
// split. Here: the one validation of `dataset.evalSets` (experiment files and the UI share it), the
// built-in set as an evaluation set (every image evaluated, no train split), and the step that turns a
// loaded set into validation tensors with the RUN's tokenizer (words the training captions never had
// still tokenise through the byte-level BPE).
import { BUILTIN_MEAN, BUILTIN_STD } from './builtin/generate';
import { type PixelNorm, renormalised, resizedImages } from './images';
import { UPLOAD_NORM } from './ingest/preprocess';
import { builtinSet, type ImageCaptionSet, type Prepared, prepare } from './prepare';
import type { BpeTokenizer } from './tokenizer';
import { type DatasetSpec, EVAL_SET_DEFAULT_COUNT, type EvalSetInfo, type EvalSetSpec } from './types';

/** Built-in evaluation sets without a seed use this generator seed. */
export const EVAL_SET_DEFAULT_SEED = 1;
/** Most images one evaluation set may evaluate (embedding them all costs a forward pass each run). */
export const EVAL_SET_MAX_COUNT = 8192;
const NAME = /^[\w.-]{1,40}$/;
const KEYS: Record<EvalSetSpec['kind'], readonly string[]> = {
  builtin: ['name', 'kind', 'seed', 'count'],
  upload: ['name', 'kind', 'count', 'upload', 'path'],
};

/**
 * Problems of `dataset.evalSets`, each naming its field (`dataset.evalSets[1].seed: …`); [] when fine.
 * `dataset`: the training set's spec (a built-in evaluation set with its seed repeats its images).
 * `headless`: the headless runner accepts `path` (a folder or archive ingested before the runs); the
 * playground does not.
 */
export function evalSetProblems(sets: unknown, dataset: Partial<DatasetSpec> = {}, opts: { headless?: boolean } = {}): string[] {
  if (sets === undefined) return [];
  const at = (i: number, f?: string) => `dataset.evalSets[${i}]${f ? `.${f}` : ''}`;
  if (!Array.isArray(sets)) return ['dataset.evalSets must be a list of { name, kind, … }'];
  const out: string[] = [];
  const seen = new Set<string>();
  sets.forEach((raw, i) => {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      out.push(`${at(i)} must be an object { name, kind, … }`);
      return;
    }
    const s = raw as Record<string, unknown>;
    if (typeof s.name !== 'string' || !NAME.test(s.name)) out.push(`${at(i, 'name')} must be 1–40 characters of letters, digits, _ . - (got ${JSON.stringify(s.name)})`);
    else if (seen.has(s.name)) out.push(`${at(i, 'name')} "${s.name}" is used twice: evaluation set names must be unique`);
    else seen.add(s.name);
    if (s.kind !== 'builtin' && s.kind !== 'upload') {
      out.push(`${at(i, 'kind')} must be "builtin" or "upload" (got ${JSON.stringify(s.kind)})`);
      return;
    }
    const allowed = KEYS[s.kind];
    for (const k of Object.keys(s)) if (!allowed.includes(k)) out.push(`${at(i, k)}: not a field of a ${s.kind} evaluation set (allowed: ${allowed.join(', ')})`);
    const int = (f: string, lo: number, hi: number) => {
      const v = s[f];
      if (v !== undefined && !(Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi)) out.push(`${at(i, f)} must be an integer from ${lo} to ${hi} (got ${JSON.stringify(v)})`);
    };
    int('count', 2, EVAL_SET_MAX_COUNT);
    if (s.kind === 'builtin') {
      int('seed', 0, 2 ** 31 - 1);
      const seed = s.seed ?? EVAL_SET_DEFAULT_SEED;
      if ((dataset.kind ?? 'builtin') === 'builtin' && seed === (dataset.seed ?? 0))
        out.push(`${at(i, 'seed')} is ${seed}, the training set's seed: its images would be the training images — pick another seed`);
      return;
    }
    const hasUpload = s.upload !== undefined;
    const hasPath = s.path !== undefined;
    if (hasUpload && (typeof s.upload !== 'string' || !/^[0-9a-f]{64}$/.test(s.upload))) out.push(`${at(i, 'upload')} must be an upload's content id (64 hex digits)`);
    if (hasPath && (typeof s.path !== 'string' || !s.path.trim())) out.push(`${at(i, 'path')} must be a folder or archive path`);
    if (hasPath && !opts.headless) out.push(`${at(i, 'path')}: only the headless runner reads paths; upload the folder and name its content id in "upload"`);
    if (hasUpload && hasPath) out.push(`${at(i)}: give "upload" or "path", not both`);
    if (!hasUpload && !hasPath) out.push(`${at(i)}: an upload evaluation set needs "upload" (a content id)${opts.headless ? ' or "path" (a folder or archive)' : ''}`);
  });
  return out;
}

/** Images an evaluation set evaluates (its `count`, or the default). */
export const evalSetCount = (s: EvalSetSpec) => s.count ?? EVAL_SET_DEFAULT_COUNT;

/**
 * A built-in evaluation set: `count` images generated with the set's seed at image side `size`, all of
 * them evaluated (no train split; seen colour–shape pairs only, so every zero-shot class was trainable).
 */
export function builtinEvalSet(s: EvalSetSpec, size: number): ImageCaptionSet {
  const set = builtinSet({ seed: s.seed ?? EVAL_SET_DEFAULT_SEED, count: 0, valCount: evalSetCount(s), heldOutCount: 0, size });
  return { ...set, name: `built-in, seed ${s.seed ?? EVAL_SET_DEFAULT_SEED}` };
}

/** Pixel → float normalisation of a dataset kind: the built-in set's fixed constants, CLIP's for uploads. */
export const normOf = (kind: DatasetSpec['kind']): PixelNorm => (kind === 'builtin' ? { mean: BUILTIN_MEAN, std: BUILTIN_STD } : UPLOAD_NORM);

/** The set seen at image side S (resized when it has another side; thumbnails stay at its own). */
export function atSize(set: ImageCaptionSet, S: number): ImageCaptionSet {
  return set.size === S ? set : { ...set, size: S, images: resizedImages(set.images, set.size, S) };
}

/**
 * An evaluation set of kind `kind` as a run trained on a `runKind` dataset sees it: at side S, and each
 * pixel normalised as the run's training pixels were (built-in and uploads use different constants).
 */
export function forRun(set: ImageCaptionSet, kind: EvalSetSpec['kind'], S: number, runKind: DatasetSpec['kind']): ImageCaptionSet {
  const sized = atSize(set, S);
  return kind === runKind ? sized : { ...sized, images: renormalised(sized.images, 3 * S * S, normOf(kind), normOf(runKind)) };
}

/** An evaluation set as a run sees it: its images, and its captions and prompts in the run's tokens. */
export interface EvalSetData {
  name: string;
  set: ImageCaptionSet;
  prep: Prepared;
}

/**
 * The set's validation tensors with the run's tokenizer and context length (never one trained on the
 * evaluation set). Caption rows are dropped: they index a teacher's frozen table of the TRAINING captions.
 */
export function prepareEvalSet(name: string, set: ImageCaptionSet, tokenizer: BpeTokenizer, contextLength: number): EvalSetData {
  const prep = prepare(set, contextLength, 0, tokenizer);
  const { rows: _rows, ...captions } = prep.val.captions;
  return { name, set, prep: { ...prep, val: { ...prep.val, captions } } };
}

/** What the dataset panel shows about a loaded evaluation set: counts, classes, thumbnails at the set's own side. */
export function evalSetInfo(d: EvalSetData): EvalSetInfo {
  const { set, prep } = d;
  // Thumbnails at the set's own side (an upload cached at another size than the run's is resized only for the model).
  const S = set.valIndex.length ? Math.round(Math.sqrt(set.thumbnail(set.valIndex[0]).length / 4)) : set.size;
  const rgba = new Uint8ClampedArray(set.valIndex.length * S * S * 4);
  set.valIndex.forEach((img, k) => {
    rgba.set(set.thumbnail(img), k * S * S * 4);
  });
  return {
    name: d.name,
    images: prep.val.Ni,
    captions: prep.val.captions.N,
    classes: prep.val.zeroShot ? prep.val.zeroShot.classNames : null,
    thumbs: { rgba, captions: set.valIndex.map((i) => set.captions[i]), size: S },
  };
}
