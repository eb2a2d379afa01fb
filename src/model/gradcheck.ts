// Whole-model gradient machinery shared by the GPU checks: run forward + backward of a config on
// given inputs and return the loss, the arena gradients and parameters (all read back).
import { Tape } from '../engine/tape';
import { Rng } from '../util/rng';
import type { Gpu } from '../gpu/runtime';
import { fill } from '../kernels/elementwise';
import { clipLoss, encodeImage, encodeText } from './clip';
import type { ClipConfig } from './config';
import { type ModelInstance, createModel } from './instance';
import type { RefInputs } from './reference';

export function tinyInputs(cfg: ClipConfig, B: number, seed: number): RefInputs {
  const rng = new Rng(seed);
  const S = cfg.vision.imageSize;
  const T = cfg.text.contextLength;
  const images = new Float32Array(B * 3 * S * S).map(() => rng.normal());
  const ids = new Int32Array(B * T);
  const eot = new Int32Array(B);
  const lengths = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const len = 2 + rng.int(T - 1); // 2..T tokens incl. sot and eot
    lengths[b] = len;
    eot[b] = len - 1;
    for (let t = 0; t < T; t++) ids[b * T + t] = t < len ? 1 + rng.int(cfg.text.vocabSize - 1) : 0;
  }
  return { images, ids, eot, lengths, B };
}

export interface GradRun {
  model: ModelInstance;
  loss: number;
  params: Float32Array;
  grads: Float32Array;
  img: Float32Array;
  txt: Float32Array;
}

export async function forwardBackward(gpu: Gpu, cfg: ClipConfig, inp: RefInputs, seed: number, init?: Float32Array): Promise<GradRun> {
  const model = createModel(gpu, cfg, seed);
  if (init) model.arena.upload(init);
  const tape = new Tape(gpu, model.arena);
  const B = inp.B;
  const images = gpu.fromArray(inp.images, [inp.images.length], 'images');
  const text = {
    ids: gpu.fromArray(inp.ids, [inp.ids.length], 'ids', 'i32'),
    eot: gpu.fromArray(inp.eot, [B], 'eot', 'i32'),
    lengths: gpu.fromArray(inp.lengths, [B], 'lengths', 'i32'),
  };
  fill(gpu, model.arena.flat('grads'), 0, model.arena.layout.totalElements);
  const img = encodeImage(tape, cfg, images, B);
  const txt = encodeText(tape, cfg, text, B);
  const loss = clipLoss(tape, cfg, img, txt, B);
  tape.backward(loss);
  const [l, params, grads, ie, te] = await Promise.all([
    gpu.read(loss.t),
    gpu.read(model.arena.flat('params')),
    gpu.read(model.arena.flat('grads')),
    gpu.read(img.t),
    gpu.read(txt.t),
  ]);
  tape.alloc.destroy();
  for (const t of [images, text.ids, text.eot, text.lengths]) t.buffer.destroy();
  return { model, loss: l[0], params, grads, img: ie, txt: te };
}
