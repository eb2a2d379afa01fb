// The two towers and the CLIP head. Vision: patches → linear (or MS-CLIP's conv stem, ./stem.ts) → [CLS; patches] + pos → ln_pre →
// blocks → pool (CLS or mean) → ln_final → proj → L2-normalise. Text: tokens + pos → blocks
// (causal, padding mask) → pool at EOT → ln_final → proj → L2-normalise. (LayerNorm is per token,
// so pooling before ln_final equals CLIP's ln_final-then-pool and saves work.)
import { clsPos, embedding, infoNce, l2normalize, layerNorm, linear, pool, sigLip } from '../engine/ops';
import type { Tape, Var } from '../engine/tape';
import type { Tensor } from '../gpu/tensor';
import { im2patch } from '../kernels/patch';
import { type Tap, block } from './block';
import { type ClipConfig, firstVisionBlock, numPatches } from './config';
import { branchMaps, branchPlan, fuse, usesParallelBranch } from './branch';
import { convStem, usesConvStem } from './stem';

export interface TextInputs {
  /** (B·T) i32 token ids, padded. */
  ids: Tensor;
  /** (B) i32 index of the EOT token. */
  eot: Tensor;
  /** (B) i32 valid length (tokens up to and including EOT), for the padding mask. */
  lengths: Tensor;
}

export function encodeImage(tape: Tape, cfg: ClipConfig, images: Tensor, B: number, tap?: Tap): Var {
  const v = cfg.vision;
  const P = numPatches(v);
  const C = v.width;
  const tok = usesConvStem(v) ? convStem(tape, v, images, B) : patchEmbed(tape, cfg, images, B);
  let x = clsPos(tape, tok, tape.param('vision.cls'), tape.param('vision.pos'), B, P, C);
  const T = P + 1;
  x = layerNorm(tape, x, tape.param('vision.ln_pre.g'), tape.param('vision.ln_pre.b'), B * T, C, 'vision.ln_pre');
  // MS-CLIP's parallel branch: its stage maps are fused into the tokens before some shared layers.
  const fusions = usesParallelBranch(cfg) ? branchPlan(cfg).fusions : [];
  const maps = fusions.length > 0 ? branchMaps(tape, cfg, images, B) : [];
  // With the released Early Specialization the conv stem is layer 0: blocks start at 1 (firstVisionBlock).
  for (let l = firstVisionBlock(v); l < v.depth; l++) {
    for (const f of fusions) if (f.layer === l) x = fuse(tape, cfg, f, x, maps[f.stage], B);
    x = block(tape, x, `vision.blocks.${l}`, l, { B, T, C, H: v.heads, mlpRatio: v.mlpRatio, causal: false }, tap);
  }
  const pooled = pool(tape, x, B, T, C, v.pool === 'cls' ? 'cls' : 'mean', undefined, 'vision.pool');
  return head(tape, cfg, 'vision', pooled, B, C);
}

/** CLIP's stem: non-overlapping patches (B, P, 3·p·p) · Wᵀ → (B·P, C). */
function patchEmbed(tape: Tape, cfg: ClipConfig, images: Tensor, B: number): Var {
  const v = cfg.vision;
  const P = numPatches(v);
  const pdim = 3 * v.patchSize * v.patchSize;
  const patches = tape.scratch([B, P, pdim], 'vision.patches');
  im2patch(tape.gpu, images, patches, B, 3, v.imageSize, v.imageSize, v.patchSize);
  return linear(tape, tape.input(patches), tape.param('vision.patch.w'), null, B * P, pdim, v.width, 'vision.patch');
}

export function encodeText(tape: Tape, cfg: ClipConfig, inp: TextInputs, B: number, tap?: Tap): Var {
  const t = cfg.text;
  const T = t.contextLength;
  const C = t.width;
  let x = embedding(tape, inp.ids, tape.param('text.tok'), tape.param('text.pos'), B * T, T, C, t.vocabSize);
  for (let l = 0; l < t.depth; l++) {
    x = block(
      tape,
      x,
      `text.blocks.${l}`,
      l,
      { B, T, C, H: t.heads, mlpRatio: t.mlpRatio, causal: t.causal, lengths: inp.lengths },
      tap,
    );
  }
  const pooled = pool(tape, x, B, T, C, 'eot', inp.eot, 'text.pool');
  return head(tape, cfg, 'text', pooled, B, C);
}

function head(tape: Tape, cfg: ClipConfig, tower: 'vision' | 'text', pooled: Var, B: number, C: number): Var {
  const n = layerNorm(tape, pooled, tape.param(`${tower}.ln_final.g`), tape.param(`${tower}.ln_final.b`), B, C, `${tower}.ln_final`);
  const e = linear(tape, n, tape.param(`${tower}.proj`), null, B, C, cfg.embedDim, `${tower}.proj`);
  return l2normalize(tape, e, B, cfg.embedDim, `${tower}.emb`);
}

export function clipLoss(tape: Tape, cfg: ClipConfig, img: Var, txt: Var, B: number): Var {
  const logT = tape.param('logit_scale');
  if (cfg.loss === 'siglip') return sigLip(tape, img, txt, logT, tape.param('logit_bias'), B, cfg.embedDim);
  return infoNce(tape, img, txt, logT, B, cfg.embedDim);
}
