// Questions asked of trained runs: the evaluation snapshot the comparison views draw (similarity
// matrix, PCA map), retrieval by caption or by image, interactive zero-shot classification, and the
// end-of-run attention probe. Each answers from the run's trainer and its last evaluated embeddings.
import { similarity } from '../analysis/embeddings';
import { pca2, project2 } from '../analysis/pca';
import { topK } from '../analysis/retrieval';
import type { Prepared } from '../data/prepare';
import type { EvalEmbeddings, EvalMetrics } from '../train/evaluate';
import { probeAttention } from '../train/probe';
import type { Trainer } from '../train/trainer';
import type { EvalSnapshot } from '../train/types';
import { runZeroShot } from '../train/zeroshot-query';
import type { ToWorker } from './protocol';
import { W, errorText, post, prepOf } from './state';
import { embedQueryWithTeacher } from './teacher';

export function snapshot(metrics: EvalMetrics, emb: EvalEmbeddings, p: Prepared | null = W.prep): EvalSnapshot {
  const val = p?.val;
  const Ni = val?.Ni ?? 0;
  const D = emb.D;
  // First caption of each image → paired text embeddings.
  const paired = new Float32Array(Ni * D);
  const seen = new Set<number>();
  val?.captionImage.forEach((img, j) => {
    if (seen.has(img)) return;
    seen.add(img);
    paired.set(emb.txt.subarray(j * D, j * D + D), img * D);
  });
  const n = Math.min(16, Ni);
  const sim = similarity(emb.img, n, paired, n, D);
  const both = new Float32Array(2 * Ni * D);
  both.set(emb.img);
  both.set(paired, Ni * D);
  const basis = pca2(both, 2 * Ni, D);
  return {
    metrics,
    similarity: { n, values: sim },
    projection: { n: Ni, image: project2(emb.img, Ni, D, basis), text: project2(paired, Ni, D, basis), explained: basis.explained },
    embeddings: { D, image: emb.img, text: paired },
  };
}

/** Attention maps, transfer score and CKA of a trained model (a probe forward on fixed val pairs). */
export async function attention(id: string, t: Trainer, p: Prepared | null = W.prep) {
  if (!p) return;
  try {
    post({ type: 'attention', id, payload: await probeAttention(t, p) });
  } catch (e) {
    post({ type: 'error', id, message: `attention analysis failed: ${errorText(e)}` });
  }
}

type Query = Extract<ToWorker, { type: 'retrieve' }>['query'];

/**
 * Top-k validation images for a caption, or top-k validation captions for a validation image: of the
 * run's own validation split, or (set) of one evaluation set, from the final weights' embeddings of it.
 */
export async function retrieve(id: string, q: Query, set?: string) {
  const st = W.runs.get(id);
  const own = prepOf(st);
  if (!st?.trainer || !st.emb || !own) {
    post({ type: 'error', id, message: 'retrieval needs a run that has been evaluated at least once' });
    return;
  }
  const es = set === undefined ? undefined : st.evalEmb?.get(set);
  if (set !== undefined && !es) {
    const why = W.evalSets.find((l) => l.spec.name === set)?.error;
    post({ type: 'error', id, message: `retrieval on evaluation set "${set}": ${why ?? 'this run has not been evaluated on it (it is evaluated when a run ends, or is reloaded)'}` });
    return;
  }
  // Queries are tokenised with the run's tokenizer: an evaluation set is prepared with it too.
  const p = es?.data.prep ?? own;
  const { img, txt, D } = es?.emb ?? st.emb;
  const val = p.val;
  const echo = set === undefined ? {} : { set };
  if (q.kind === 'text') {
    const e = p.tokenizer.encode(q.text, p.contextLength);
    const emb = st.trainer.cfg.teacher
      ? await embedQueryWithTeacher(st.trainer, q.text)
      : await st.trainer.embedTexts(e.ids, Int32Array.of(e.eotIndex), Int32Array.of(e.length), 1);
    const scores = similarity(emb, 1, img, val.Ni, D);
    const top = topK(scores, q.k);
    post({ type: 'retrieval', id, ...echo, query: q.text, kind: 'images', results: top.map((index) => ({ index, score: scores[index] })) });
  } else {
    if (!(Number.isInteger(q.index) && q.index >= 0 && q.index < val.Ni)) {
      post({ type: 'error', id, message: `retrieval: image #${q.index} is not in ${set === undefined ? 'the validation split' : `evaluation set "${set}"`} (${val.Ni} images)` });
      return;
    }
    const scores = similarity(img.subarray(q.index * D, q.index * D + D), 1, txt, val.captions.N, D);
    const top = topK(scores, q.k);
    const texts = p.valCaptions;
    post({
      type: 'retrieval',
      id,
      ...echo,
      query: `image #${q.index}`,
      kind: 'captions',
      results: top.map((j) => ({ index: val.captionImage[j], score: scores[j], caption: texts[j] })),
    });
  }
}

/** Zero-shot classification of the run's validation images with the user's prompt templates. */
export function zeroShot(m: Extract<ToWorker, { type: 'zeroshot' }>) {
  const st = W.runs.get(m.id);
  const p = prepOf(st);
  if (!st?.trainer || !st.emb || !p) {
    post({ type: 'zeroshot', id: m.id, result: { task: m.task, error: 'zero-shot needs a finished run that has been evaluated' } });
    return;
  }
  void runZeroShot(st.trainer, p, st.emb, W.tasks, m.task, m.templates, p.contextLength).then(
    (result) => post({ type: 'zeroshot', id: m.id, result }),
    (e) => post({ type: 'zeroshot', id: m.id, result: { task: m.task, error: errorText(e) } }),
  );
}
