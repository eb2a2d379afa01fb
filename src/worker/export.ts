// The worker's side of an ONNX export: a checkpoint of the trained model (params, read back from the
// arena) plus its BatchNorm running statistics (model buffers, which checkpoints do not carry), the
// two graphs and the sidecar, and the WGSL forward's embeddings of a validation batch for the parity
// check the page runs with onnxruntime-web.
import { BUILTIN_MEAN, BUILTIN_STD } from '../data/builtin/generate';
import { CLIP_MEAN, CLIP_STD } from '../data/ingest/decode';
import type { Prepared } from '../data/prepare';
import type { RunRequest } from '../train/types';
import type { Trainer } from '../train/trainer';
import { exportEncoders } from '../export/bundle';
import type { OnnxExportReply, OnnxExportRequest } from '../export/messages';
import type { ParityBatch } from '../export/parity';
import { weightsFromCheckpoint } from '../export/weights';

/** The first n validation images and each one's first caption. */
export function parityInputs(prep: Prepared, n: number, S: number, T: number): Omit<ParityBatch, 'refImage' | 'refText'> & { eot: Int32Array } {
  const val = prep.val;
  const k = Math.max(1, Math.min(n, val.Ni));
  const px = 3 * S * S;
  const ids = new Int32Array(k * T);
  const lengths = new Int32Array(k);
  const eot = new Int32Array(k);
  const first = new Map<number, number>();
  val.captionImage.forEach((img, j) => {
    if (!first.has(img)) first.set(img, j);
  });
  for (let i = 0; i < k; i++) {
    const j = first.get(i);
    if (j === undefined) throw new Error(`validation image ${i} has no caption`);
    ids.set(val.captions.ids.subarray(j * T, (j + 1) * T), i * T);
    lengths[i] = val.captions.lengths[j];
    eot[i] = val.captions.eot[j];
  }
  return { images: val.images.slice(0, k * px), S, ids, lengths, eot, T, n: k };
}

export async function exportRun(
  trainer: Trainer | undefined,
  req: RunRequest | undefined,
  prep: Prepared | null,
  m: OnnxExportRequest,
  post: (msg: OnnxExportReply, transfer?: Transferable[]) => void,
  datasetKind: string = 'builtin',
): Promise<void> {
  try {
    if (!trainer || !req || !prep) throw new Error('ONNX export needs a finished run whose model is still loaded');
    if (trainer.cfg.teacher) throw new Error('ONNX export of teacher runs is not supported yet (its text side is a frozen table + adapter, not a text tower)');
    const tokenizer = prep.tokenizer.toJSON();
    const ckpt = await trainer.saveCheckpoint(tokenizer, req.seed);
    const buffers = trainer.model.buffers ? await trainer.gpu.read(trainer.model.buffers.flat()) : null;
    const { weights, meta } = weightsFromCheckpoint(ckpt, buffers);
    const cfg = weights.cfg;
    const bundle = await exportEncoders(weights, {
      base: `${req.id}-${req.preset}-seed${req.seed}-step${meta.step}`,
      tokenizer,
      // The built-in shapes have their own statistics; uploads are normalised with CLIP's constants.
      normalization: datasetKind === 'builtin' ? { mean: BUILTIN_MEAN, std: BUILTIN_STD } : { mean: CLIP_MEAN, std: CLIP_STD },
      run: { id: req.id, label: req.label, preset: req.preset, seed: req.seed, step: meta.step },
    });
    // The WGSL side gets the tokenizer's own EOT positions; the graph derives them from the mask.
    const { eot, ...inp } = parityInputs(prep, m.batch, cfg.vision.imageSize, cfg.text.contextLength);
    const refImage = await trainer.embedImages(inp.images, inp.n);
    const refText = await trainer.embedTexts(inp.ids, eot, inp.lengths, inp.n);
    const parity: ParityBatch = { ...inp, refImage, refText };
    post({ type: 'onnx-export', id: m.id, ok: true, bundle, parity }, [bundle.image.buffer, bundle.text.buffer]);
  } catch (e) {
    post({ type: 'onnx-export', id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) });
  }
}
