// One pre-LN transformer block, used by both towers. Weights are looked up by the tower's own
// names; when a component is shared those names alias one arena view, so nothing here knows about
// sharing.   x (B, T, C) → x + attn(ln1(x)) → x + mlp(ln2(x))
import { add, attention, gelu, layerNorm, linear } from '../engine/ops';
import type { Tape, Var } from '../engine/tape';
import type { Tensor } from '../gpu/tensor';

export interface BlockDims {
  B: number;
  T: number;
  C: number;
  H: number;
  mlpRatio: number;
  causal: boolean;
  lengths?: Tensor;
}

/** Called with intermediate values for analysis (post-block features, qkv for attention maps). */
export type Tap = (what: 'block' | 'qkv', layer: number, v: Var) => void;

export function block(tape: Tape, x: Var, prefix: string, layer: number, d: BlockDims, tap?: Tap): Var {
  const { B, T, C, H } = d;
  const N = B * T;
  const M = C * d.mlpRatio;
  const p = (s: string) => tape.param(`${prefix}.${s}`);

  const h1 = layerNorm(tape, x, p('ln1.g'), p('ln1.b'), N, C, `${prefix}.ln1`);
  const qkv = linear(tape, h1, p('attn.qkv.w'), p('attn.qkv.b'), N, C, 3 * C, `${prefix}.qkv`);
  tap?.('qkv', layer, qkv);
  const a = attention(tape, qkv, { B, T, H, D: C / H, causal: d.causal, lengths: d.lengths }, `${prefix}.attn`);
  const ao = linear(tape, a, p('attn.out.w'), p('attn.out.b'), N, C, C, `${prefix}.attn.out`);
  const x1 = add(tape, x, ao, N * C, `${prefix}.res1`);

  const h2 = layerNorm(tape, x1, p('ln2.g'), p('ln2.b'), N, C, `${prefix}.ln2`);
  const f = linear(tape, h2, p('mlp.fc.w'), p('mlp.fc.b'), N, C, M, `${prefix}.fc`);
  const g = gelu(tape, f, N * M, `${prefix}.gelu`);
  const m = linear(tape, g, p('mlp.proj.w'), p('mlp.proj.b'), N, M, C, `${prefix}.mlp.out`);
  const out = add(tape, x1, m, N * C, `${prefix}.res2`);
  tap?.('block', layer, out);
  return out;
}
