// Attention probe: one inference forward of each tower over a fixed set of validation pairs (image +
// its first caption) with a tap that exports every layer's softmax probabilities (attentionProbs on the
// layer's fused qkv) and keeps the block outputs; then the attention statistics, the transfer score,
// CKA / modality mixing per layer and the display maps of a few items (src/analysis, METHODS.md).
import { attentionStats, attentionTransfer, headMean, rollout } from '../analysis/attention';
import { linearCka, modalityMixingNmi } from '../analysis/cka';
import type { Prepared } from '../data/prepare';
import { Tape } from '../engine/tape';
import type { Tensor } from '../gpu/tensor';
import { attentionProbs } from '../kernels/attention';
import type { Tap } from '../model/block';
import { encodeImage, encodeText } from '../model/clip';
import { numPatches } from '../model/config';
import type { AttentionItem, AttentionPayload } from './types';
import type { Trainer } from './trainer';

interface TowerProbe {
  /** [layer] (N, H, T, T) */
  probs: Float32Array[];
  /** [layer] pooled block output (N, C) */
  pooled: Float32Array[];
}

/** Pool rows of x (N, T, C): token idx[n] per item, or the mean over tokens. */
function poolRows(x: Float32Array, N: number, T: number, C: number, idx: ((n: number) => number) | 'mean'): Float32Array {
  const out = new Float32Array(N * C);
  for (let n = 0; n < N; n++) {
    if (idx === 'mean') {
      for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) out[n * C + c] += x[(n * T + t) * C + c] / T;
    } else out.set(x.subarray((n * T + idx(n)) * C, (n * T + idx(n) + 1) * C), n * C);
  }
  return out;
}

/** Record a forward with the tap, then read back probs and block outputs per layer (own tape, own memory). */
async function runTower(
  trainer: Trainer,
  forward: (tape: Tape, tap: Tap) => void,
  d: { N: number; T: number; H: number; C: number; causal: boolean; lengths?: Tensor },
  pool: ((n: number) => number) | 'mean',
): Promise<TowerProbe> {
  const { gpu } = trainer;
  const tape = new Tape(gpu, trainer.arena);
  try {
    tape.reset(false);
    const probsT: Tensor[] = [];
    const blocks: Tensor[] = [];
    forward(tape, (what, layer, v) => {
      if (what === 'qkv') {
        const p = tape.scratch([d.N, d.H, d.T, d.T], `probe.probs.${layer}`);
        attentionProbs(gpu, v.t, p, { B: d.N, T: d.T, H: d.H, D: d.C / d.H, causal: d.causal, lengths: d.lengths });
        probsT[layer] = p;
      } else blocks[layer] = v.t;
    });
    const probs: Float32Array[] = [];
    const pooled: Float32Array[] = [];
    for (let l = 0; l < probsT.length; l++) {
      probs.push(await gpu.read(probsT[l]));
      pooled.push(poolRows(await gpu.read(blocks[l]), d.N, d.T, d.C, pool));
    }
    return { probs, pooled };
  } finally {
    tape.alloc.destroy();
  }
}

/** Attention analysis of a trained model over the first `n` validation pairs; display maps for `show`. */
export async function probeAttention(trainer: Trainer, prep: Prepared, n = 16, show = 8): Promise<AttentionPayload> {
  const { gpu, cfg } = trainer;
  const val = prep.val;
  const N = Math.min(n, val.Ni);
  const v = cfg.vision;
  const t = cfg.text;
  const grid = v.imageSize / v.patchSize;
  const P = numPatches(v);
  const Tv = P + 1;
  const Tt = t.contextLength;
  const px = 3 * v.imageSize * v.imageSize;

  // First caption of each of the N images.
  const first = new Int32Array(N).fill(-1);
  val.captionImage.forEach((img, j) => {
    if (img < N && first[img] < 0) first[img] = j;
  });
  const ids = new Int32Array(N * Tt);
  const eot = new Int32Array(N);
  const lengths = new Int32Array(N);
  for (let k = 0; k < N; k++) {
    const j = first[k];
    ids.set(val.captions.ids.subarray(j * Tt, (j + 1) * Tt), k * Tt);
    eot[k] = val.captions.eot[j];
    lengths[k] = val.captions.lengths[j];
  }

  const images = gpu.fromArray(val.images.subarray(0, N * px), [N, 3, v.imageSize, v.imageSize], 'probe.images');
  const inp = {
    ids: gpu.fromArray(ids, [N * Tt], 'probe.ids', 'i32'),
    eot: gpu.fromArray(eot, [N], 'probe.eot', 'i32'),
    lengths: gpu.fromArray(lengths, [N], 'probe.lengths', 'i32'),
  };
  let img: TowerProbe;
  let txt: TowerProbe;
  try {
    img = await runTower(
      trainer,
      (tape, tap) => encodeImage(tape, cfg, images, N, tap),
      { N, T: Tv, H: v.heads, C: v.width, causal: false },
      v.pool === 'cls' ? () => 0 : 'mean',
    );
    txt = await runTower(
      trainer,
      (tape, tap) => encodeText(tape, cfg, inp, N, tap),
      { N, T: Tt, H: t.heads, C: t.width, causal: t.causal, lengths: inp.lengths },
      (k) => eot[k],
    );
  } finally {
    for (const x of [images, inp.ids, inp.eot, inp.lengths]) x.buffer.destroy();
  }

  const statsImage = img.probs.map((p) => attentionStats(p, N, v.heads, Tv, { poolIndex: 'cls', grid }));
  const statsText = txt.probs.map((p) => attentionStats(p, N, t.heads, Tt, { poolIndex: eot, validLen: lengths, causal: t.causal }));
  const depth = Math.min(v.depth, t.depth);
  const ckaPerLayer: number[] = [];
  const mixingPerLayer: (number | null)[] = [];
  for (let l = 0; l < depth; l++) {
    ckaPerLayer.push(linearCka(img.pooled[l], txt.pooled[l], N, v.width, t.width));
    mixingPerLayer.push(v.width === t.width ? modalityMixingNmi(img.pooled[l], txt.pooled[l], N, v.width) : null);
  }

  const items: AttentionItem[] = [];
  for (let k = 0; k < Math.min(show, N); k++) {
    const L = lengths[k];
    const cls = img.probs.map((p) =>
      Array.from({ length: v.heads }, (_, h) => Array.from(p.subarray(((k * v.heads + h) * Tv + 0) * Tv + 1, ((k * v.heads + h) * Tv + 0) * Tv + Tv))),
    );
    const roll = rollout(
      img.probs.map((p) => headMean(p, k, v.heads, Tv)),
      Tv,
    ).map((R) => Array.from(R.subarray(1, Tv)));
    const text = txt.probs.map((p) =>
      Array.from({ length: t.heads }, (_, h) => {
        const out: number[] = [];
        const base = (k * t.heads + h) * Tt * Tt;
        for (let i = 0; i < L; i++) for (let j = 0; j < L; j++) out.push(p[base + i * Tt + j]);
        return out;
      }),
    );
    items.push({
      index: k,
      caption: prep.valCaptions[first[k]],
      tokens: prep.tokenizer.tokens(ids.subarray(k * Tt, k * Tt + L)),
      cls,
      rollout: roll,
      text,
    });
  }

  return {
    step: trainer.step,
    n: N,
    vision: { layers: v.depth, heads: v.heads, grid },
    text: { layers: t.depth, heads: t.heads, contextLength: Tt },
    statsImage,
    statsText,
    transfer: attentionTransfer(statsImage, statsText),
    ckaPerLayer,
    mixingPerLayer,
    items,
  };
}
