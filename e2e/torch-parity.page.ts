// Browser side of e2e/torch-parity.spec.ts, loaded into /kernels.html?autorun=0 by URL (Vite serves it):
//  - dumpCase: the WGSL engine's eval embeddings, one training forward + backward (embeddings, loss, every
//    gradient, BatchNorm running stats) for a parity case (python/tests/ts/cases.ts), as safetensors bytes for
//    PyTorch to recompute;
//  - openCheckpoint: a checkpoint written by PyTorch (train.py) loaded the way the app resumes a run
//    (Trainer.loadCheckpoint), then the app's own evaluation (retrieval, src/train/evaluate.ts) and attention probe
//    (src/train/probe.ts) on validation images PyTorch preprocessed.
import { BpeTokenizer, type BpeJSON } from '../src/data/tokenizer';
import type { Prepared } from '../src/data/prepare';
import { Tape } from '../src/engine/tape';
import { acquireDevice } from '../src/gpu/device';
import { Gpu } from '../src/gpu/runtime';
import { fill } from '../src/kernels/elementwise';
import { clipLoss, encodeImage, encodeText } from '../src/model/clip';
import { tinyInputs } from '../src/model/gradcheck';
import { createModel } from '../src/model/instance';
import { readCheckpoint } from '../src/train/checkpoint';
import { evaluate } from '../src/train/evaluate';
import { probeAttention } from '../src/train/probe';
import { type StTensor, decodeSafetensors, encodeSafetensors } from '../src/train/safetensors';
import { Trainer } from '../src/train/trainer';
import { caseDir, parityCases } from '../python/tests/ts/cases';

let gpuPromise: Promise<Gpu> | null = null;
const getGpu = () => {
  gpuPromise ??= acquireDevice().then(({ device, caps }) => new Gpu(device, { caps }));
  return gpuPromise;
};

const b64 = (bytes: Uint8Array) => {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
};
const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

export function caseNames(): { name: string; dir: string }[] {
  return parityCases().map((c) => ({ name: c.name, dir: caseDir(c.name) }));
}

export async function dumpCase(index: number): Promise<{ name: string; dir: string; meta: object; bytes: string; loss: number }> {
  const c = parityCases()[index];
  const { cfg, B, seed } = c;
  const gpu = await getGpu();
  const model = createModel(gpu, cfg, seed); // same init as the fixtures' checkpoint
  const inp = tinyInputs(cfg, B, seed + 1);
  const tape = new Tape(gpu, model.arena);
  const images = gpu.fromArray(inp.images, [inp.images.length], 'images');
  const text = {
    ids: gpu.fromArray(inp.ids, [inp.ids.length], 'ids', 'i32'),
    eot: gpu.fromArray(inp.eot, [B], 'eot', 'i32'),
    lengths: gpu.fromArray(inp.lengths, [B], 'lengths', 'i32'),
  };
  try {
    // Inference (BatchNorm on the fresh running stats), then one recorded training step's forward + backward.
    tape.reset(false);
    const imgEval = await gpu.read(encodeImage(tape, cfg, images, B).t);
    const txtEval = await gpu.read(encodeText(tape, cfg, text, B).t);
    tape.reset(true);
    const L = model.arena.layout;
    fill(gpu, model.arena.flat('grads'), 0, L.totalElements);
    const img = encodeImage(tape, cfg, images, B);
    const txt = encodeText(tape, cfg, text, B);
    const loss = clipLoss(tape, cfg, img, txt, B);
    tape.backward(loss);
    const [lv, iv, tv, grads] = await Promise.all([gpu.read(loss.t), gpu.read(img.t), gpu.read(txt.t), gpu.read(model.arena.flat('grads'))]);
    const bufs = model.buffers ? await gpu.read(model.buffers.flat()) : new Float32Array(0);

    const S = cfg.vision.imageSize;
    const T = cfg.text.contextLength;
    const E = cfg.embedDim;
    const t = new Map<string, StTensor>([
      ['images', { shape: [B, 3, S, S], data: Float32Array.from(inp.images) }],
      ['ids', { shape: [B, T], data: Int32Array.from(inp.ids) }],
      ['eot', { shape: [B], data: Int32Array.from(inp.eot) }],
      ['lengths', { shape: [B], data: Int32Array.from(inp.lengths) }],
      ['img_eval', { shape: [B, E], data: imgEval.slice(0, B * E) }],
      ['txt_eval', { shape: [B, E], data: txtEval.slice(0, B * E) }],
      ['img', { shape: [B, E], data: iv.slice(0, B * E) }],
      ['txt', { shape: [B, E], data: tv.slice(0, B * E) }],
      ['loss', { shape: [1], data: lv.slice(0, 1) }],
    ]);
    for (const v of L.views) {
      t.set(`param.${v.name}`, { shape: [...v.shape], data: model.init.slice(v.offset, v.offset + v.size) });
      t.set(`grad.${v.name}`, { shape: [...v.shape], data: grads.slice(v.offset, v.offset + v.size) });
    }
    for (const v of model.buffers?.layout.views ?? []) t.set(`buffers.${v.name}`, { shape: [v.size], data: bufs.slice(v.offset, v.offset + v.size) });
    return { name: c.name, dir: caseDir(c.name), meta: { case: c.name, config: cfg, B, seed }, bytes: b64(encodeSafetensors(t)), loss: lv[0] };
  } finally {
    tape.alloc.destroy();
    model.arena.destroy();
    model.buffers?.destroy();
    for (const x of [images, text.ids, text.eot, text.lengths]) x.buffer.destroy();
  }
}

export interface OpenedCheckpoint {
  step: number;
  params: number;
  /** The app's tokenisation of the captions (must equal PyTorch's). */
  ids: number[];
  img: number[];
  txt: number[];
  i2t: Record<number, number>;
  t2i: Record<number, number>;
  /** probeAttention's CLS → patch maps of the first items: [item][layer][head][patch]. */
  cls: number[][][][];
  transfer: number[][];
  ckaPerLayer: number[];
}

/** Open a PyTorch checkpoint as the app resumes a run, then run the app's evaluation and attention probe on it. */
export async function openCheckpoint(ckptB64: string, valB64: string, captions: string[], show: number): Promise<OpenedCheckpoint> {
  const gpu = await getGpu();
  const bytes = unb64(ckptB64);
  const { meta } = readCheckpoint(bytes);
  const cfg = meta.config;
  const trainer = new Trainer(gpu, cfg, { ...meta.hyper, batchSize: 8, logEvery: 1 }, meta.seed);
  try {
    trainer.loadCheckpoint(bytes);
    const tokenizer = BpeTokenizer.fromJSON(meta.tokenizer as BpeJSON);
    const T = cfg.text.contextLength;
    const enc = tokenizer.encodeBatch(captions, T);
    const { tensors } = decodeSafetensors(unb64(valB64));
    const images = tensors.get('images')?.data as Float32Array;
    const captionImage = tensors.get('caption_image')?.data as Int32Array;
    const Ni = tensors.get('images')?.shape[0] ?? 0;
    const val = { images, Ni, captions: { ids: enc.ids, eot: enc.eot, lengths: enc.lengths, N: captions.length }, captionImage };
    const logitScale = Math.exp((await gpu.read(trainer.arena.param('logit_scale')))[0]);
    const { metrics, emb } = await evaluate(trainer, val, logitScale);
    const prep: Prepared = {
      tokenizer,
      contextLength: T,
      val,
      valCaptions: captions,
      truncated: enc.truncated,
      makeData: () => {
        throw new Error('inference only');
      },
    };
    const att = await probeAttention(trainer, prep, Ni, show);
    return {
      step: trainer.step,
      params: trainer.arena.layout.paramCount,
      ids: Array.from(enc.ids),
      img: Array.from(emb.img),
      txt: Array.from(emb.txt),
      i2t: metrics.i2t,
      t2i: metrics.t2i,
      cls: att.items.map((it) => it.cls),
      transfer: att.transfer,
      ckaPerLayer: att.ckaPerLayer,
    };
  } finally {
    trainer.destroy();
  }
}

/** A small results table on the page, for the screenshot. */
export function showSummary(title: string, rows: Record<string, string | number>[]): void {
  const h = document.createElement('section');
  h.style.cssText = 'font: 13px system-ui; padding: 12px; background: #fff; color: #111';
  const cols = rows.length ? Object.keys(rows[0]) : [];
  h.innerHTML = `<h3 style="margin:4px 0">${title}</h3><table style="border-collapse:collapse">${[
    `<tr>${cols.map((c) => `<th style="text-align:left;padding:2px 10px;border-bottom:1px solid #999">${c}</th>`).join('')}</tr>`,
    ...rows.map((r) => `<tr>${cols.map((c) => `<td style="padding:2px 10px">${typeof r[c] === 'number' ? (r[c] as number).toExponential(2) : r[c]}</td>`).join('')}</tr>`),
  ].join('')}</table>`;
  document.body.prepend(h);
  const root = document.getElementById('root'); // the host page (kernel check, not run here)
  if (root) root.style.display = 'none';
}
