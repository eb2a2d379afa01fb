// The CLIP training step of src/train/trainer.ts written in tfjs-webgpu, as the peer of our step in
// the benchmark (bench only, not part of the app). Same model (src/model/clip.ts, block.ts: patch
// embedding, CLS + positions, ln_pre, pre-LN blocks with tanh-GELU, CLS / EOT pooling, ln_final, projection,
// L2 normalisation), same loss (InfoNCE or SigLIP), same optimizer semantics: gradients by
// tf.variableGrads, global-norm clipping, Adam (tf.train.adam) with decoupled weight decay on the
// arena's decayed views, the same LR schedule. Parameters start from our arena's initial values, so
// the first step's loss must equal ours (checked by the bench). Sharing is honoured: names that alias
// one arena view use one tf.Variable (both towers' gradients sum into it, as on our side).
// Not supported (throws): MS-CLIP's conv stem and parallel branch.
import * as tf from '@tensorflow/tfjs-core';
import type { ArenaLayout } from '../gpu/arena';
import { lrAt } from '../kernels/optimizer';
import { type ClipConfig, numPatches } from '../model/config';
import { usesConvStem } from '../model/stem';
import type { TrainHyper } from '../train/hyper';
import type { BatchData } from '../train/trainer';
import { attentionMask, siglipSigns, tfAttention, tfGelu, tfInfoNce, tfL2Normalize, tfLayerNorm, tfLinear, tfSigLip } from './tf-ops';

let instances = 0;

export class TfjsClip {
  private vars = new Map<string, tf.Variable>();
  private decayed: tf.Variable[] = [];
  private all: tf.Variable[] = [];
  private opt: tf.AdamOptimizer;
  private signs: tf.Tensor2D | null = null;
  step = 0;

  constructor(
    readonly cfg: ClipConfig,
    layout: ArenaLayout,
    init: Float32Array,
    readonly hyper: TrainHyper,
  ) {
    if (usesConvStem(cfg.vision) || cfg.vision.parallelBranch) throw new Error('tfjs peer: the conv stem / parallel branch are not written in tfjs');
    const id = ++instances; // tfjs variable names are global: one suffix per model
    for (const v of layout.views) {
      const value = tf.tensor(init.slice(v.offset, v.offset + v.size), [...v.shape]);
      const variable = tf.variable(value, true, `${v.name}#${id}`);
      value.dispose();
      for (const n of v.names) this.vars.set(n, variable);
      this.all.push(variable);
      if (v.decay) this.decayed.push(variable);
    }
    this.opt = tf.train.adam(hyper.lr, hyper.beta1, hyper.beta2, hyper.eps);
    if (cfg.loss === 'siglip') this.signs = siglipSigns(hyper.batchSize);
  }

  private p(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new Error(`tfjs peer: no parameter ${name}`);
    return v;
  }

  private block(x: tf.Tensor2D, prefix: string, B: number, T: number, C: number, H: number, mask: tf.Tensor | null): tf.Tensor2D {
    const p = (s: string) => this.p(`${prefix}.${s}`);
    const h1 = tfLayerNorm(x, p('ln1.g'), p('ln1.b'));
    const qkv = tfLinear(h1, p('attn.qkv.w') as tf.Tensor2D, p('attn.qkv.b'));
    const a = tfAttention(qkv, B, T, H, C / H, mask);
    const x1 = tf.add(x, tfLinear(a, p('attn.out.w') as tf.Tensor2D, p('attn.out.b'))) as tf.Tensor2D;
    const h2 = tfLayerNorm(x1, p('ln2.g'), p('ln2.b'));
    const f = tfGelu(tfLinear(h2, p('mlp.fc.w') as tf.Tensor2D, p('mlp.fc.b')));
    return tf.add(x1, tfLinear(f, p('mlp.proj.w') as tf.Tensor2D, p('mlp.proj.b'))) as tf.Tensor2D;
  }

  private head(tower: 'vision' | 'text', pooled: tf.Tensor2D): tf.Tensor2D {
    const n = tfLayerNorm(pooled, this.p(`${tower}.ln_final.g`), this.p(`${tower}.ln_final.b`));
    return tfL2Normalize(tfLinear(n, this.p(`${tower}.proj`) as tf.Tensor2D));
  }

  private encodeImage(images: tf.Tensor4D, B: number): tf.Tensor2D {
    const v = this.cfg.vision;
    const P = numPatches(v);
    const G = v.imageSize / v.patchSize;
    const ps = v.patchSize;
    const C = v.width;
    const T = P + 1;
    // (B, 3, S, S) → (B·P, 3·p·p), channel-major within a patch (as im2patch.wgsl).
    const patches = tf.reshape(tf.transpose(tf.reshape(images, [B, 3, G, ps, G, ps]), [0, 2, 4, 1, 3, 5]), [B * P, 3 * ps * ps]) as tf.Tensor2D;
    const tok = tf.reshape(tfLinear(patches, this.p('vision.patch.w') as tf.Tensor2D), [B, P, C]);
    const cls = tf.tile(tf.reshape(this.p('vision.cls'), [1, 1, C]), [B, 1, 1]);
    let x = tf.reshape(tf.add(tf.concat([cls, tok], 1), this.p('vision.pos')), [B * T, C]) as tf.Tensor2D;
    x = tfLayerNorm(x, this.p('vision.ln_pre.g'), this.p('vision.ln_pre.b'));
    for (let l = 0; l < v.depth; l++) x = this.block(x, `vision.blocks.${l}`, B, T, C, v.heads, null);
    const x3 = tf.reshape(x, [B, T, C]);
    const pooled = (v.pool === 'cls' ? tf.reshape(tf.slice(x3, [0, 0, 0], [B, 1, C]), [B, C]) : tf.mean(x3, 1)) as tf.Tensor2D;
    return this.head('vision', pooled);
  }

  private encodeText(ids: tf.Tensor1D, eotRows: tf.Tensor1D, mask: tf.Tensor, B: number): tf.Tensor2D {
    const t = this.cfg.text;
    const T = t.contextLength;
    const C = t.width;
    const emb = tf.add(tf.reshape(tf.gather(this.p('text.tok'), ids), [B, T, C]), this.p('text.pos'));
    let x = tf.reshape(emb, [B * T, C]) as tf.Tensor2D;
    for (let l = 0; l < t.depth; l++) x = this.block(x, `text.blocks.${l}`, B, T, C, t.heads, mask);
    return this.head('text', tf.gather(x, eotRows) as tf.Tensor2D);
  }

  private loss(batch: BatchData): tf.Scalar {
    const B = this.hyper.batchSize;
    const v = this.cfg.vision;
    const T = this.cfg.text.contextLength;
    const images = tf.tensor4d(batch.images, [B, 3, v.imageSize, v.imageSize]);
    const ids = tf.tensor1d(batch.ids, 'int32');
    const eotRows = tf.tensor1d(Int32Array.from(batch.eot, (e, b) => b * T + e), 'int32');
    const mask = tf.tensor4d(attentionMask(B, T, this.cfg.text.causal, batch.lengths) ?? new Float32Array(B * T * T), [B, 1, T, T]);
    const img = this.encodeImage(images, B);
    const txt = this.encodeText(ids, eotRows, mask, B);
    if (this.cfg.loss === 'siglip') return tfSigLip(img, txt, this.p('logit_scale'), this.p('logit_bias'), this.signs as tf.Tensor2D);
    return tfInfoNce(img, txt, this.p('logit_scale'));
  }

  /** Current parameters laid out as our arena's flat params (for comparing the two after training). */
  async flatParams(layout: ArenaLayout): Promise<Float32Array> {
    const out = new Float32Array(layout.totalElements);
    for (const v of layout.views) out.set((await this.p(v.name).data()) as Float32Array, v.offset);
    return out;
  }

  /** Loss of `batch` at the current parameters (no update); one readback. */
  async lossOf(batch: BatchData): Promise<number> {
    const l = tf.tidy(() => this.loss(batch));
    const v = (await l.data())[0];
    l.dispose();
    return v;
  }

  /** Record one training step (forward, backward, clip, AdamW). Nothing is read back. */
  runStep(batch: BatchData): void {
    const h = this.hyper;
    this.step++;
    const lr = lrAt(this.step, { lr: h.lr, warmup: h.warmup, total: h.steps, minLr: h.minLr });
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => this.loss(batch), this.all);
      value.dispose();
      const names = Object.keys(grads);
      if (h.gradClip > 0) {
        // Pairwise sums, not tf.addN: tfjs-webgpu's AddN binds every input at once and fails past the
        // adapter's storage-buffer limit (an invalid pipeline that drops the whole command buffer).
        let sq = names.map((n) => tf.sum(tf.square(grads[n])));
        while (sq.length > 1) sq = Array.from({ length: Math.ceil(sq.length / 2) }, (_, i) => (sq[2 * i + 1] ? tf.add(sq[2 * i], sq[2 * i + 1]) : sq[2 * i]));
        const norm = tf.sqrt(sq[0]);
        const scale = tf.minimum(tf.div(h.gradClip, tf.add(norm, 1e-6)), 1);
        for (const n of names) grads[n] = tf.mul(grads[n], scale);
      }
      // Decoupled weight decay (AdamW): x ← x·(1 − lr·wd) before Adam's update, as adamw.wgsl.
      if (h.weightDecay > 0) for (const v of this.decayed) v.assign(tf.mul(v, 1 - lr * h.weightDecay));
      (this.opt as unknown as { learningRate: number }).learningRate = lr;
      this.opt.applyGradients(grads as Record<string, tf.Variable>); // typed for variables; tfjs reads them as tensors
    });
  }

  dispose(): void {
    for (const v of this.all) v.dispose();
    this.opt.dispose();
    this.signs?.dispose();
  }
}
