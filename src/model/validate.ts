// Validation of a whole ClipConfig that came from outside (an uploaded checkpoint, a PyTorch run, an
// exported experiment): types, integer ranges, divisibility, and that the sharing spec resolves. Each
// message names the field. Ranges are generous (a checkpoint trained on a cluster may be larger than
// our in-browser defaults) but bounded, so a hostile file cannot ask for a 10^12-element tensor.
import { SHARING_PRESETS, VISION_STEMS, type ClipConfig } from './config';
import { branchProblem } from './branch';
import { usesConvStem } from './stem';
import { buildLayout } from './params';
import { teacherProblem } from './teacher';

type Rule = [field: string, value: unknown, min: number, max: number];

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/**
 * The same problems keyed by field ("vision.patchSize", "sharing", …) for a form that shows each at its field —
 * the UI's model validation derives from configProblems through this, never from a second list of rules.
 */
export function configProblemsByField(cfg: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of configProblems(cfg)) {
    const i = p.indexOf(': ');
    const field = i > 0 ? p.slice(0, i) : 'config';
    out[field] ??= i > 0 ? p.slice(i + 2) : p;
  }
  return out;
}

/** Every problem of `cfg`, as "field: message" strings (empty when it builds). */
export function configProblems(cfg: unknown): string[] {
  const out: string[] = [];
  if (!cfg || typeof cfg !== 'object') return ['config: must be an object'];
  const c = cfg as Partial<ClipConfig>;
  const v = (c.vision ?? {}) as Partial<ClipConfig['vision']>;
  const t = (c.text ?? {}) as Partial<ClipConfig['text']>;
  if (!c.vision || typeof c.vision !== 'object') out.push('vision: missing');
  if (!c.text || typeof c.text !== 'object') out.push('text: missing');
  const rules: Rule[] = [
    ['vision.imageSize', v.imageSize, 4, 1024],
    ['vision.patchSize', v.patchSize, 1, 256],
    ['vision.width', v.width, 1, 4096],
    ['vision.depth', v.depth, 1, 64],
    ['vision.heads', v.heads, 1, 128],
    ['text.contextLength', t.contextLength, 2, 1024],
    ['text.vocabSize', t.vocabSize, 4, 1_000_000],
    ['text.width', t.width, 1, 4096],
    ['text.depth', t.depth, 1, 64],
    ['text.heads', t.heads, 1, 128],
    ['embedDim', c.embedDim, 1, 4096],
  ];
  for (const [field, value, min, max] of rules) {
    if (!isInt(value)) out.push(`${field}: must be an integer, got ${JSON.stringify(value)}`);
    else if (value < min || value > max) out.push(`${field}: must be between ${min} and ${max}, got ${value}`);
  }
  for (const [field, value] of [
    ['vision.mlpRatio', v.mlpRatio],
    ['text.mlpRatio', t.mlpRatio],
  ] as const) {
    if (typeof value !== 'number' || !(value > 0 && value <= 16)) out.push(`${field}: must be a number in (0, 16], got ${JSON.stringify(value)}`);
  }
  if (v.pool !== 'cls' && v.pool !== 'mean') out.push(`vision.pool: must be "cls" or "mean", got ${JSON.stringify(v.pool)}`);
  if (v.stem !== undefined && !VISION_STEMS.includes(v.stem)) out.push(`vision.stem: must be one of ${VISION_STEMS.join(', ')}; got ${JSON.stringify(v.stem)}`);
  if (v.parallelBranch !== undefined && typeof v.parallelBranch !== 'boolean') out.push('vision.parallelBranch: must be true or false');
  if (typeof t.causal !== 'boolean') out.push('text.causal: must be true or false');
  if (c.loss !== 'infonce' && c.loss !== 'siglip') out.push(`loss: must be "infonce" or "siglip", got ${JSON.stringify(c.loss)}`);
  if (!c.sharing || typeof c.sharing !== 'object' || !SHARING_PRESETS.includes(c.sharing.preset)) {
    out.push(`sharing.preset: must be one of ${SHARING_PRESETS.join(', ')}`);
  }
  if (out.length) return out;
  const cc = c as ClipConfig;
  if (cc.vision.imageSize % cc.vision.patchSize !== 0) out.push(`vision.patchSize: ${cc.vision.patchSize} must divide the image size ${cc.vision.imageSize}`);
  if (cc.vision.width % cc.vision.heads !== 0) out.push(`vision.heads: ${cc.vision.heads} must divide the vision width ${cc.vision.width}`);
  if (cc.text.width % cc.text.heads !== 0) out.push(`text.heads: ${cc.text.heads} must divide the text width ${cc.text.width}`);
  if (usesConvStem(cc.vision) && !(cc.vision.patchSize >= 2 && Number.isInteger(Math.log2(cc.vision.patchSize)))) {
    out.push(`vision.patchSize: the conv stem (Early Specialization) needs a power of two ≥ 2, got ${cc.vision.patchSize}`);
  }
  if (cc.vision.stem === 'conv' && cc.vision.depth < 2) {
    out.push('vision.depth: with the conv stem as layer 0 (Early Specialization as released) the tower needs ≥ 2 layers (stem + 1 transformer block)');
  }
  if (cc.teacher !== undefined && (typeof cc.teacher !== 'object' || cc.teacher === null)) out.push('teacher: must be an object {dim, adapter, hidden?}');
  else {
    const tp = teacherProblem(cc);
    if (tp) out.push(tp);
  }
  if (out.length) return out;
  try {
    const L = buildLayout(cc);
    if (L.totalElements > 256 * 1024 * 1024) out.push(`model: ${L.totalElements.toLocaleString()} parameters is more than a browser tab can hold (limit 268M)`);
    const bp = branchProblem(cc);
    if (bp) out.push(bp);
  } catch (e) {
    out.push(`sharing: ${e instanceof Error ? e.message : String(e)}`);
  }
  return out;
}
