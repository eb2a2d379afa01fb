// Inference-only use of an exported pair: the sidecar's normalisation and tokenizer turn a dataset's
// RGBA images and captions into the graphs' inputs, onnxruntime-web embeds them, and retrieval works
// on the result (recall@K both ways, top-k for a typed caption or a chosen image) — no training
// worker, no WGSL: only the exported files.
import { type RecallAtK, recallAtK, topK } from '../analysis/retrieval';
import { similarity } from '../analysis/embeddings';
import { BpeTokenizer } from '../data/tokenizer';
import type { LoadedPair } from './load';
import { type Ep, type Ort, type OrtSession, createSession, embedImagesOrt, embedTextsOrt } from './session';
import { OnnxImportError, type OnnxSidecar } from './sidecar';

export interface InferenceModel {
  sidecar: OnnxSidecar;
  tokenizer: BpeTokenizer;
  image: OrtSession;
  text: OrtSession;
  ep: Ep;
}

export interface DatasetView {
  /** (N, S, S, 4) RGBA bytes. */
  rgba: Uint8ClampedArray;
  S: number;
  /** Captions per image. */
  captions: string[][];
}

export interface EmbeddedSet {
  img: Float32Array;
  txt: Float32Array;
  D: number;
  Ni: number;
  Nt: number;
  /** Caption j → its image; and the caption texts. */
  captionImage: Int32Array;
  texts: string[];
  recall: RecallAtK;
  ms: number;
}

/** (N, S, S, 4) RGBA → (N, 3, S, S) floats, (v/255 − mean[c]) / std[c]. */
export function imagesFromRgba(rgba: ArrayLike<number>, N: number, S: number, norm: OnnxSidecar['image']['normalization']): Float32Array {
  const out = new Float32Array(N * 3 * S * S);
  const HW = S * S;
  for (let n = 0; n < N; n++)
    for (let c = 0; c < 3; c++) {
      const m = norm.mean[c];
      const s = norm.std[c];
      for (let p = 0; p < HW; p++) out[(n * 3 + c) * HW + p] = (rgba[(n * HW + p) * 4 + c] / 255 - m) / s;
    }
  return out;
}

/** Every caption, tokenized with the sidecar's tokenizer: ids (Nt, T), lengths, caption → image. */
export function tokenizeCaptions(tok: BpeTokenizer, captions: string[][], T: number) {
  const texts: string[] = [];
  const captionImage: number[] = [];
  captions.forEach((cs, i) => {
    for (const c of cs) {
      texts.push(c);
      captionImage.push(i);
    }
  });
  const e = tok.encodeBatch(texts, T);
  return { ids: e.ids, lengths: e.lengths, texts, captionImage: Int32Array.from(captionImage) };
}

/** Sessions for both encoders of a loaded pair on one EP. */
export async function openInferenceModel(ort: Ort, pair: LoadedPair, ep: Ep): Promise<InferenceModel> {
  if (!pair.image || !pair.text) throw new OnnxImportError('inference needs both the image and the text encoder');
  const image = await createSession(ort, pair.image.bytes, ep);
  try {
    const text = await createSession(ort, pair.text.bytes, ep);
    return { sidecar: pair.sidecar, tokenizer: BpeTokenizer.fromJSON(pair.sidecar.text.tokenizer), image, text, ep };
  } catch (e) {
    await image.session.release();
    throw e;
  }
}

export async function releaseModel(m: InferenceModel): Promise<void> {
  await Promise.all([m.image.session.release(), m.text.session.release()]);
}

/** Embed a dataset view (all images, all captions) and score retrieval both ways. */
export async function embedDataset(ort: Ort, m: InferenceModel, d: DatasetView): Promise<EmbeddedSet> {
  const S = m.sidecar.image.imageSize;
  if (d.S !== S) {
    throw new OnnxImportError(`the model takes ${S}×${S} images; the current dataset has ${d.S}×${d.S} — load a dataset at ${S} px or export a model trained at ${d.S} px`);
  }
  const t0 = performance.now();
  const Ni = d.captions.length;
  const images = imagesFromRgba(d.rgba, Ni, S, m.sidecar.image.normalization);
  const T = m.sidecar.text.contextLength;
  const cap = tokenizeCaptions(m.tokenizer, d.captions, T);
  const img = await embedImagesOrt(ort, m.image, images, Ni, S);
  const txt = await embedTextsOrt(ort, m.text, cap.ids, cap.lengths, cap.texts.length, T);
  const D = m.sidecar.embedDim;
  const recall = recallAtK(img, Ni, txt, cap.texts.length, D, cap.captionImage);
  return { img, txt, D, Ni, Nt: cap.texts.length, captionImage: cap.captionImage, texts: cap.texts, recall, ms: performance.now() - t0 };
}

/** Top-k images for a typed caption. */
export async function imagesForText(ort: Ort, m: InferenceModel, set: EmbeddedSet, text: string, k = 5): Promise<{ index: number; score: number }[]> {
  const T = m.sidecar.text.contextLength;
  const e = m.tokenizer.encode(text, T);
  const q = await embedTextsOrt(ort, m.text, e.ids, Int32Array.of(e.length), 1, T);
  const scores = similarity(q, 1, set.img, set.Ni, set.D);
  return topK(scores, k).map((index) => ({ index, score: scores[index] }));
}

/** Top-k captions for image i. */
export function captionsForImage(set: EmbeddedSet, i: number, k = 5): { index: number; image: number; caption: string; score: number }[] {
  const scores = similarity(set.img.subarray(i * set.D, (i + 1) * set.D), 1, set.txt, set.Nt, set.D);
  return topK(scores, k).map((j) => ({ index: j, image: set.captionImage[j], caption: set.texts[j], score: scores[j] }));
}
