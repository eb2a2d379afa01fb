// An independent float64 CPU implementation of the whole CLIP forward + loss, for whole-model
// gradient checks (finite differences over every parameter group) and GPU-forward parity.
// Deliberately plain loops: it must be obviously right, not fast. Same math as the GPU path:
// pre-LN blocks, tanh-GELU, CLS/mean/EOT pooling, ln_final after pooling, L2-normalised embeddings.
import { batchnormForwardRef } from '../kernels/batchnorm';
import { conv2dForwardRef } from '../kernels/conv2d';
import { infoNceRef } from '../kernels/infonce';
import { type ClipConfig, type VisionConfig, numPatches } from './config';
import { branchPlan, usesParallelBranch } from './branch';
import { stemPlan, usesConvStem } from './stem';

export type ParamGetter = (name: string) => Float64Array;

export interface RefInputs {
  images: ArrayLike<number>; // (B, 3, H, W)
  ids: ArrayLike<number>; // (B, T)
  eot: ArrayLike<number>; // (B)
  lengths: ArrayLike<number>; // (B)
  B: number;
}

type M = Float64Array<ArrayBufferLike>; // row-major matrices

function linear(x: M, N: number, Cin: number, w: M, Cout: number, b?: M): M {
  const y = new Float64Array(N * Cout);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < Cout; o++) {
      let s = b ? b[o] : 0;
      for (let i = 0; i < Cin; i++) s += x[n * Cin + i] * w[o * Cin + i];
      y[n * Cout + o] = s;
    }
  return y;
}

function layerNorm(x: M, N: number, C: number, g: M, b: M, eps = 1e-5): M {
  const y = new Float64Array(N * C);
  for (let n = 0; n < N; n++) {
    let mean = 0;
    for (let c = 0; c < C; c++) mean += x[n * C + c];
    mean /= C;
    let v = 0;
    for (let c = 0; c < C; c++) v += (x[n * C + c] - mean) ** 2;
    const r = 1 / Math.sqrt(v / C + eps);
    for (let c = 0; c < C; c++) y[n * C + c] = (x[n * C + c] - mean) * r * g[c] + b[c];
  }
  return y;
}

const geluT = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

function attention(qkv: M, B: number, T: number, H: number, D: number, causal: boolean, lengths?: ArrayLike<number>): M {
  const C = H * D;
  const out = new Float64Array(B * T * C);
  const scale = 1 / Math.sqrt(D);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < H; h++)
      for (let i = 0; i < T; i++) {
        const s: number[] = [];
        let mx = -Infinity;
        for (let j = 0; j < T; j++) {
          const masked = (causal && j > i) || (lengths !== undefined && j >= lengths[b]);
          let d = -Infinity;
          if (!masked) {
            d = 0;
            for (let k = 0; k < D; k++) d += qkv[(b * T + i) * 3 * C + h * D + k] * qkv[(b * T + j) * 3 * C + C + h * D + k];
            d *= scale;
          }
          s.push(d);
          mx = Math.max(mx, d);
        }
        let z = 0;
        const p = s.map((d) => {
          const e = d === -Infinity ? 0 : Math.exp(d - mx);
          z += e;
          return e;
        });
        for (let k = 0; k < D; k++) {
          let acc = 0;
          for (let j = 0; j < T; j++) acc += (p[j] / z) * qkv[(b * T + j) * 3 * C + 2 * C + h * D + k];
          out[(b * T + i) * C + h * D + k] = acc;
        }
      }
  return out;
}

function block(P: ParamGetter, pre: string, x: M, B: number, T: number, C: number, H: number, ratio: number, causal: boolean, lengths?: ArrayLike<number>): M {
  const N = B * T;
  const h1 = layerNorm(x, N, C, P(`${pre}.ln1.g`), P(`${pre}.ln1.b`));
  const qkv = linear(h1, N, C, P(`${pre}.attn.qkv.w`), 3 * C, P(`${pre}.attn.qkv.b`));
  const a = attention(qkv, B, T, H, C / H, causal, lengths);
  const ao = linear(a, N, C, P(`${pre}.attn.out.w`), C, P(`${pre}.attn.out.b`));
  const x1 = x.map((v, i) => v + ao[i]);
  const h2 = layerNorm(x1, N, C, P(`${pre}.ln2.g`), P(`${pre}.ln2.b`));
  const f = linear(h2, N, C, P(`${pre}.mlp.fc.w`), C * ratio, P(`${pre}.mlp.fc.b`)).map(geluT);
  const m = linear(f, N, C * ratio, P(`${pre}.mlp.proj.w`), C, P(`${pre}.mlp.proj.b`));
  return x1.map((v, i) => v + m[i]);
}

function head(P: ParamGetter, tower: string, pooled: M, B: number, C: number, E: number): M {
  const n = layerNorm(pooled, B, C, P(`${tower}.ln_final.g`), P(`${tower}.ln_final.b`));
  const e = linear(n, B, C, P(`${tower}.proj`), E);
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let k = 0; k < E; k++) s += e[b * E + k] ** 2;
    const r = 1 / Math.max(Math.sqrt(s), 1e-12);
    for (let k = 0; k < E; k++) e[b * E + k] *= r;
  }
  return e;
}

/**
 * MS-CLIP's conv stem (./stem.ts) in float64: images (B, 3, S, S) → tokens (B·P, w). BatchNorm uses the
 * batch statistics (training mode), as the GPU forward does while the tape records.
 */
export function convStemRef(v: VisionConfig, P: ParamGetter, images: ArrayLike<number>, B: number): M {
  const plan = stemPlan(v);
  const conv = (x: ArrayLike<number>, name: string, Cin: number, H: number, Cout: number, k: number, stride: number, bias: M | null = null) =>
    conv2dForwardRef(x, P(name), bias, { B, Cin, H, W: H, Cout, k, stride, pad: (k - 1) / 2, groups: 1 });
  const bn = (x: M, name: string, C: number, HW: number) => bnTrainRef(x, P(`${name}.g`), P(`${name}.b`), B, C, HW);
  const relu = reluRef;
  let H = plan.sizes[1];
  let x = relu(bn(conv(images, 'vision.stem.conv0.w', 3, v.imageSize, plan.c0, 3, 2), 'vision.stem.bn0', plan.c0, H * H));
  plan.blocks.forEach((b, i) => {
    const Hin = H;
    H = plan.sizes[i + 2];
    const main = bn(conv(x, `${b.prefix}.conv.w`, b.cin, Hin, b.cout, 3, b.stride), `${b.prefix}.bn`, b.cout, H * H);
    const short = bn(conv(x, `${b.prefix}.short.w`, b.cin, Hin, b.cout, 1, b.stride), `${b.prefix}.short_bn`, b.cout, H * H);
    x = relu(main.map((a, j) => a + short[j]));
  });
  const w = v.width;
  const HW = H * H;
  const y = conv(x, 'vision.stem.proj.w', w, H, w, 1, 1, P('vision.stem.proj.b')); // (B, w, HW)
  const tok = new Float64Array(B * HW * w);
  for (let b = 0; b < B; b++) for (let c = 0; c < w; c++) for (let s = 0; s < HW; s++) tok[(b * HW + s) * w + c] = y[(b * w + c) * HW + s];
  return tok;
}

const bnTrainRef = (x: M, g: M, b: M, B: number, C: number, HW: number) =>
  batchnormForwardRef(x, g, b, new Float64Array(C), new Float64Array(C).fill(1), { B, C, HW, training: true }).y;
const reluRef = (x: M) => x.map((a) => Math.max(a, 0));

/** MS-CLIP's parallel branch (./branch.ts) in float64: the stage maps (B, cout_j, size_j²), batch-stat BN. */
export function branchMapsRef(cfg: ClipConfig, P: ParamGetter, images: ArrayLike<number>, B: number): M[] {
  const plan = branchPlan(cfg);
  const conv = (x: ArrayLike<number>, name: string, Cin: number, H: number, Cout: number, k: number, stride: number) =>
    conv2dForwardRef(x, P(name), null, { B, Cin, H, W: H, Cout, k, stride, pad: (k - 1) / 2, groups: 1 });
  const bn = (x: M, name: string, C: number, H: number) => bnTrainRef(x, P(`${name}.g`), P(`${name}.b`), B, C, H * H);
  const maps: M[] = [];
  let x: M = Float64Array.from(images);
  let H = cfg.vision.imageSize;
  for (const [j, s] of plan.stages.entries()) {
    const Ho = s.size;
    if (j === 0) x = reluRef(bn(conv(x, `${s.prefix}.conv.w`, 3, H, s.cout, 3, 2), `${s.prefix}.bn`, s.cout, Ho));
    else {
      const a = reluRef(bn(conv(x, `${s.prefix}.a.w`, s.cin, H, s.mid, 1, 1), `${s.prefix}.a_bn`, s.mid, H));
      const b = reluRef(bn(conv(a, `${s.prefix}.b.w`, s.mid, H, s.mid, 3, 2), `${s.prefix}.b_bn`, s.mid, Ho));
      const c = bn(conv(b, `${s.prefix}.c.w`, s.mid, Ho, s.cout, 1, 1), `${s.prefix}.c_bn`, s.cout, Ho);
      const sc = bn(conv(x, `${s.prefix}.short.w`, s.cin, H, s.cout, 1, 2), `${s.prefix}.short_bn`, s.cout, Ho);
      x = reluRef(c.map((v, i) => v + sc[i]));
    }
    H = Ho;
    maps.push(x);
  }
  return maps;
}

/** One fusion in float64: tokens x (B, T, w) and a stage map → LN([CLS ; BN(dw3×3 tokens) + proj(BN(dw_k map))]). */
function fuseRef(cfg: ClipConfig, P: ParamGetter, fi: number, x: M, map: M, B: number): M {
  const f = branchPlan(cfg).fusions[fi];
  const v = cfg.vision;
  const w = v.width;
  const G = v.imageSize / v.patchSize;
  const np = G * G;
  const T = np + 1;
  const q = (s: string) => P(`${f.prefix}.${s}`);
  const Hm = G * f.k;
  const md = conv2dForwardRef(map, q('map_dw.w'), null, { B, Cin: f.Cm, H: Hm, W: Hm, Cout: f.Cm, k: f.k, stride: f.k, pad: 0, groups: f.Cm });
  const mb = bnTrainRef(md, q('map_bn.g'), q('map_bn.b'), B, f.Cm, np);
  const mp = conv2dForwardRef(mb, q('map_proj.w'), q('map_proj.b'), { B, Cin: f.Cm, H: G, W: G, Cout: w, k: 1, stride: 1, pad: 0, groups: 1 });
  const tm = new Float64Array(B * w * np);
  for (let b = 0; b < B; b++) for (let t = 0; t < np; t++) for (let c = 0; c < w; c++) tm[(b * w + c) * np + t] = x[(b * T + 1 + t) * w + c];
  const td = conv2dForwardRef(tm, q('tok_dw.w'), null, { B, Cin: w, H: G, W: G, Cout: w, k: 3, stride: 1, pad: 1, groups: w });
  const tb = bnTrainRef(td, q('tok_bn.g'), q('tok_bn.b'), B, w, np);
  const y = Float64Array.from(x); // CLS rows pass through
  for (let b = 0; b < B; b++)
    for (let t = 0; t < np; t++) for (let c = 0; c < w; c++) y[(b * T + 1 + t) * w + c] = tb[(b * w + c) * np + t] + mp[(b * w + c) * np + t];
  return layerNorm(y, B * T, w, q('ln.g'), q('ln.b'));
}

function patchEmbedRef(v: VisionConfig, P: ParamGetter, images: ArrayLike<number>, B: number): M {
  const np = numPatches(v);
  const side = v.imageSize / v.patchSize;
  const ps = v.patchSize;
  const C = v.width;
  const pdim = 3 * ps * ps;
  const patches = new Float64Array(B * np * pdim);
  for (let b = 0; b < B; b++)
    for (let py = 0; py < side; py++)
      for (let px = 0; px < side; px++)
        for (let c = 0; c < 3; c++)
          for (let y = 0; y < ps; y++)
            for (let x = 0; x < ps; x++) {
              const src = ((b * 3 + c) * v.imageSize + py * ps + y) * v.imageSize + px * ps + x;
              patches[(b * np + py * side + px) * pdim + (c * ps + y) * ps + x] = images[src];
            }
  return linear(patches, B * np, pdim, P('vision.patch.w'), C);
}

export function encodeImageRef(cfg: ClipConfig, P: ParamGetter, images: ArrayLike<number>, B: number): M {
  const v = cfg.vision;
  const np = numPatches(v);
  const C = v.width;
  const tok = usesConvStem(v) ? convStemRef(v, P, images, B) : patchEmbedRef(v, P, images, B);
  const T = np + 1;
  let x: M = new Float64Array(B * T * C);
  const cls = P('vision.cls');
  const pos = P('vision.pos');
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++)
      for (let c = 0; c < C; c++) x[(b * T + t) * C + c] = (t === 0 ? cls[c] : tok[(b * np + t - 1) * C + c]) + pos[t * C + c];
  x = layerNorm(x, B * T, C, P('vision.ln_pre.g'), P('vision.ln_pre.b'));
  const fusions = usesParallelBranch(cfg) ? branchPlan(cfg).fusions : [];
  const maps = fusions.length > 0 ? branchMapsRef(cfg, P, images, B) : [];
  for (let l = 0; l < v.depth; l++) {
    fusions.forEach((f, fi) => {
      if (f.layer === l) x = fuseRef(cfg, P, fi, x, maps[f.stage], B);
    });
    x = block(P, `vision.blocks.${l}`, x, B, T, C, v.heads, v.mlpRatio, false);
  }
  const pooled = new Float64Array(B * C);
  for (let b = 0; b < B; b++)
    for (let c = 0; c < C; c++) {
      if (v.pool === 'cls') pooled[b * C + c] = x[b * T * C + c];
      else {
        let s = 0;
        for (let t = 0; t < T; t++) s += x[(b * T + t) * C + c];
        pooled[b * C + c] = s / T;
      }
    }
  return head(P, 'vision', pooled, B, C, cfg.embedDim);
}

export function encodeTextRef(cfg: ClipConfig, P: ParamGetter, inp: RefInputs): M {
  const t = cfg.text;
  const { B } = inp;
  const T = t.contextLength;
  const C = t.width;
  const tok = P('text.tok');
  const pos = P('text.pos');
  let x: M = new Float64Array(B * T * C);
  for (let n = 0; n < B * T; n++)
    for (let c = 0; c < C; c++) x[n * C + c] = tok[inp.ids[n] * C + c] + pos[(n % T) * C + c];
  for (let l = 0; l < t.depth; l++) x = block(P, `text.blocks.${l}`, x, B, T, C, t.heads, t.mlpRatio, t.causal, inp.lengths);
  const pooled = new Float64Array(B * C);
  for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) pooled[b * C + c] = x[(b * T + inp.eot[b]) * C + c];
  return head(P, 'text', pooled, B, C, cfg.embedDim);
}

export function lossRef(cfg: ClipConfig, P: ParamGetter, img: M, txt: M, B: number): number {
  const E = cfg.embedDim;
  const dot = (i: number, j: number) => {
    let s = 0;
    for (let k = 0; k < E; k++) s += img[i * E + k] * txt[j * E + k];
    return s;
  };
  if (cfg.loss === 'siglip') {
    const s = Math.exp(P('logit_scale')[0]);
    const bias = P('logit_bias')[0];
    let L = 0;
    for (let i = 0; i < B; i++)
      for (let j = 0; j < B; j++) {
        const z = i === j ? 1 : -1;
        const u = z * (s * dot(i, j) + bias);
        L += u >= 0 ? -Math.log1p(Math.exp(-u)) : u - Math.log1p(Math.exp(u)); // log σ(u)
      }
    return -L / B;
  }
  // InfoNCE: the one CPU implementation (src/kernels/infonce.ts, float64, scale clamped at 100).
  return infoNceRef(img, txt, P('logit_scale')[0], B, E).loss;
}

export function clipLossRef(cfg: ClipConfig, P: ParamGetter, inp: RefInputs): { loss: number; img: M; txt: M } {
  const img = encodeImageRef(cfg, P, inp.images, inp.B);
  const txt = encodeTextRef(cfg, P, inp);
  return { loss: lossRef(cfg, P, img, txt, inp.B), img, txt };
}
