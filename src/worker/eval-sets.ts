// The worker's evaluation sets (issue 19): loaded once on `init` beside the training set, tokenised
// with the run's tokenizer, evaluated on a run's final weights with the same evaluate() as its own
// validation split; their embeddings stay in the run's state so retrieval can ask them.
import { builtinEvalSet, forRun, type EvalSetData, evalSetCount, evalSetInfo, prepareEvalSet } from '../data/eval-sets';
import { loadUploadEvalSet } from '../data/ingest/uploadSet';
import type { ImageCaptionSet, Prepared } from '../data/prepare';
import type { DatasetSpec, EvalSetInfo, EvalSetSpec } from '../data/types';
import { type EvalMetrics, evaluate } from '../train/evaluate';
import type { Trainer } from '../train/trainer';
import { snapshot } from './exploration';
import { type RunState, W, errorText, post } from './state';

async function loadOne(s: EvalSetSpec, size: number): Promise<ImageCaptionSet> {
  if (s.kind === 'builtin') return builtinEvalSet(s, size);
  if (!s.upload) throw new Error(`evaluation set "${s.name}": no upload id${s.path ? ` (its path ${s.path} is read by the headless runner only)` : ''}`);
  return loadUploadEvalSet(s.name, s.upload, evalSetCount(s), size);
}

/**
 * Load every evaluation set of the spec (each failure becomes that set's `error`; training proceeds),
 * prepared with the training set's tokenizer at the training set's image size. Returns the panel's infos.
 */
export async function initEvalSets(spec: DatasetSpec, prep: Prepared): Promise<EvalSetInfo[] | undefined> {
  W.evalSets = [];
  if (!spec.evalSets?.length) return undefined;
  const infos: EvalSetInfo[] = [];
  for (const s of spec.evalSets) {
    try {
      const set = await loadOne(s, spec.size);
      const data = prepareEvalSet(s.name, forRun(set, s.kind, spec.size, spec.kind), prep.tokenizer, prep.contextLength);
      W.evalSets.push({ spec: s, set, data });
      infos.push(evalSetInfo(data));
    } catch (e) {
      const error = errorText(e);
      W.evalSets.push({ spec: s, error });
      infos.push({ name: s.name, images: 0, captions: 0, classes: null, error });
    }
  }
  return infos;
}

/**
 * The loaded evaluation sets as run `st` sees them: in its tokens and at its model's image side (a
 * checkpoint with its own tokenizer, context or image size re-prepares them). Kept on the run state.
 */
function evalSetsOf(st: RunState, t: Trainer, runPrep: Prepared): EvalSetData[] {
  const S = t.cfg.vision.imageSize;
  const d = st.evalData;
  if (d && d.from === W.evalSets && d.tokenizer === runPrep.tokenizer && d.size === S) return d.sets;
  const sets: EvalSetData[] = [];
  for (const l of W.evalSets) {
    if (!l.set) continue;
    // The dataset's own tokens and side (most runs): prepared once on init.
    if (l.data && runPrep.tokenizer === W.prep?.tokenizer && runPrep.contextLength === W.prep.contextLength && S === W.spec?.size) {
      sets.push(l.data);
      continue;
    }
    const raw = l.spec.kind === 'builtin' && l.set.size !== S ? builtinEvalSet(l.spec, S) : l.set;
    sets.push(prepareEvalSet(l.spec.name, forRun(raw, l.spec.kind, S, W.spec?.kind ?? 'builtin'), runPrep.tokenizer, runPrep.contextLength));
  }
  st.evalData = { from: W.evalSets, tokenizer: runPrep.tokenizer, size: S, sets };
  return sets;
}

/**
 * Evaluate the run's current weights on every loaded evaluation set: posts one 'eval-set' snapshot each
 * (before the run's 'done') and keeps the embeddings for retrieval. Returns the metrics by set name, or
 * undefined when the spec has none. A teacher run is not evaluated on them: its text side is a frozen
 * table of the training captions, which has no rows for another set's captions.
 */
export async function evaluateEvalSets(id: string, st: RunState, t: Trainer, runPrep: Prepared, logitScale: number): Promise<Record<string, EvalMetrics> | undefined> {
  if (!W.evalSets.some((l) => l.set)) return undefined;
  if (t.cfg.teacher) {
    post({ type: 'error', id, message: "evaluation sets are not evaluated for teacher runs: the frozen caption table holds only the training set's captions" });
    return undefined;
  }
  const out: Record<string, EvalMetrics> = {};
  st.evalEmb = new Map();
  for (const d of evalSetsOf(st, t, runPrep)) {
    try {
      const r = await evaluate(t, d.prep.val, logitScale);
      out[d.name] = r.metrics;
      st.evalEmb.set(d.name, { emb: r.emb, data: d });
      post({ type: 'eval-set', id, set: d.name, snapshot: snapshot(r.metrics, r.emb, d.prep) });
    } catch (e) {
      post({ type: 'error', id, message: `evaluation set "${d.name}": ${errorText(e)}` });
    }
  }
  return out;
}
