// Transformer pieces as ONNX nodes, mirroring src/model/block.ts, src/model/clip.ts and the kernels:
// y = x·Wᵀ + b (W stored (out, in) as in the arena: a Transpose node per weight, folded by ORT),
// LayerNorm (biased variance, eps 1e-5), tanh-GELU, scaled-dot-product attention with an additive
// mask, the pooled head ln_final → proj → x / max(‖x‖, 1e-12).
import { L2_EPS } from '../kernels/l2norm';
import { type GraphBuilder, f } from './graph';
import type { ExportWeights } from './weights';

export const LN_EPS = 1e-5;
/** Added to masked attention scores: exp underflows to exactly 0, and no row is fully masked (key 0 is always valid). */
export const MASK_NEG = -1e30;

/** An arena parameter as an initializer (canonical name), returned by value name. */
export function param(g: GraphBuilder, w: ExportWeights, name: string): string {
  const t = w.param(name);
  return g.weight(t.name, t.shape, t.data);
}

/** x (…, Cin) · Wᵀ (+ b) with W (Cout, Cin) the arena tensor. */
export function linear(g: GraphBuilder, w: ExportWeights, x: string, wName: string, bName: string | null, hint: string): string {
  const W = param(g, w, wName);
  const wt = g.once(`T|${W}`, () => g.op('Transpose', [W], { perm: [1, 0] }, `${hint}.wT`));
  const y = g.op('MatMul', [x, wt], {}, hint);
  return bName ? g.op('Add', [y, param(g, w, bName)], {}, `${hint}.b`) : y;
}

/** LayerNorm over the last axis with `${prefix}.g` / `${prefix}.b`. */
export function layerNorm(g: GraphBuilder, w: ExportWeights, x: string, prefix: string): string {
  return g.op('LayerNormalization', [x, param(g, w, `${prefix}.g`), param(g, w, `${prefix}.b`)], { axis: -1, epsilon: f(LN_EPS) }, prefix);
}

/** GELU, tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). (Opset 20's Gelu has it; 17 does not.) */
export function geluTanh(g: GraphBuilder, x: string, hint: string): string {
  const x3 = g.op('Mul', [g.op('Mul', [x, x], {}, `${hint}.x2`), x], {}, `${hint}.x3`);
  const inner = g.op('Add', [x, g.op('Mul', [x3, g.scalar(0.044715)], {}, hint)], {}, hint);
  const t = g.op('Tanh', [g.op('Mul', [inner, g.scalar(Math.sqrt(2 / Math.PI))], {}, hint)], {}, hint);
  const half = g.op('Mul', [x, g.scalar(0.5)], {}, hint);
  return g.op('Mul', [half, g.op('Add', [t, g.scalar(1)], {}, hint)], {}, `${hint}.gelu`);
}

export interface AttnShape {
  T: number;
  C: number;
  H: number;
}

/**
 * Multi-head attention core on a fused qkv (B, T, 3C) → (B, T, C). `mask` (broadcastable to
 * (B, H, T, T)) is added to the scaled scores: 0 where allowed, MASK_NEG where not.
 */
export function attentionCore(g: GraphBuilder, qkv: string, d: AttnShape, mask: string | null, hint: string): string {
  const D = d.C / d.H;
  const split = g.op('Transpose', [g.op('Reshape', [qkv, g.ints([0, d.T, 3, d.H, D])], {}, `${hint}.qkv5`)], { perm: [2, 0, 3, 1, 4] }, `${hint}.qkvT`); // (3, B, H, T, D)
  const part = (i: number, n: string) => g.op('Gather', [split, g.constant('int64', [i], [], `idx${i}`)], { axis: 0 }, `${hint}.${n}`);
  const q = part(0, 'q');
  const k = part(1, 'k');
  const v = part(2, 'v');
  const kt = g.op('Transpose', [k], { perm: [0, 1, 3, 2] }, `${hint}.kT`);
  let s = g.op('Mul', [g.op('MatMul', [q, kt], {}, `${hint}.qk`), g.scalar(1 / Math.sqrt(D))], {}, `${hint}.scores`);
  if (mask) s = g.op('Add', [s, mask], {}, `${hint}.masked`);
  const p = g.op('Softmax', [s], { axis: -1 }, `${hint}.probs`);
  const o = g.op('MatMul', [p, v], {}, `${hint}.pv`); // (B, H, T, D)
  return g.op('Reshape', [g.op('Transpose', [o], { perm: [0, 2, 1, 3] }, `${hint}.oT`), g.ints([0, d.T, d.C])], {}, `${hint}.out`);
}

/** One pre-LN block: x + attn(ln1(x)), then + mlp(ln2(x)). x (B, T, C). */
export function block(g: GraphBuilder, w: ExportWeights, x: string, prefix: string, d: AttnShape & { mlpRatio: number }, mask: string | null): string {
  const p = (s: string) => `${prefix}.${s}`;
  const h1 = layerNorm(g, w, x, p('ln1'));
  const qkv = linear(g, w, h1, p('attn.qkv.w'), p('attn.qkv.b'), p('qkv'));
  const a = attentionCore(g, qkv, d, mask, p('attn'));
  const ao = linear(g, w, a, p('attn.out.w'), p('attn.out.b'), p('attn.out'));
  const x1 = g.op('Add', [x, ao], {}, p('res1'));
  const h2 = layerNorm(g, w, x1, p('ln2'));
  const fc = linear(g, w, h2, p('mlp.fc.w'), p('mlp.fc.b'), p('fc'));
  const m = linear(g, w, geluTanh(g, fc, p('gelu')), p('mlp.proj.w'), p('mlp.proj.b'), p('mlp.out'));
  return g.op('Add', [x1, m], {}, p('res2'));
}

/** pooled (B, C) → ln_final → proj → L2-normalised (B, E), as src/model/clip.ts's head. */
export function head(g: GraphBuilder, w: ExportWeights, pooled: string, tower: 'vision' | 'text'): string {
  const n = layerNorm(g, w, pooled, `${tower}.ln_final`);
  const e = linear(g, w, n, `${tower}.proj`, null, `${tower}.proj`);
  const norm = g.op('ReduceL2', [e], { axes: [-1], keepdims: 1 }, `${tower}.norm`);
  return g.op('Div', [e, g.op('Max', [norm, g.scalar(L2_EPS)], {}, `${tower}.norm_eps`)], {}, `${tower}.emb`);
}
