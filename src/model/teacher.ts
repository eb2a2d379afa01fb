// Teacher mode (LLM2CLIP, METHODS.md): the text side of a run is a FROZEN table of caption embeddings
// (N_captions, D_t) — from an ONNX text encoder run once, or a precomputed .npy / JSON file — followed by
// a trainable adapter into the joint space:
//
//   rows (B) i32 ─gather→ f (B, D_t) ─adapter→ y (B, E) ─L2→ text embedding (B, E)
//   adapter 'linear': y = f·Wᵀ + b                  W (E, D_t)
//   adapter 'mlp':    y = GELU(f·W1ᵀ + b1)·W2ᵀ + b2  W1 (H, D_t), W2 (E, H)
//   adapter 'residual' (LLM2CLIP, released): x = f; n times x ← x + GELU(LN(x)·W1ᵀ + b1)·W2ᵀ + b2 (W1 (H, D_t),
//                     W2 (D_t, H)); then y = LN(x)·Wᵀ + b, W (E, D_t). n = teacher.blocks (default 4).
//
// The table lives in its own GPU buffer, outside the parameter arena: AdamW never sees it and no
// gradient is computed for it (the gathered rows are a tape input, needsGrad = false). The gather is
// the embedding kernel with T = 1 and a zero position row: out[b] = table[rows[b]] + 0.
// Adapter parameters are named text.adapter.* so parameter counts file them under the text side.
import { add, gelu, l2normalize, layerNorm, linear } from '../engine/ops';
import type { Tape, Var } from '../engine/tape';
import type { InitKind } from '../gpu/arena';
import type { Gpu } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { embeddingForward } from '../kernels/embedding';
import { geluBackwardRef, geluForwardRef } from '../kernels/gelu';
import { layernormBackwardRef, layernormForwardRef } from '../kernels/layernorm';
import { l2normBackwardRef, l2normForwardRef } from '../kernels/l2norm';
import type { ClipConfig, TeacherConfig } from './config';
import { type ParamGetter, encodeImageRef, lossRef } from './reference';

export const usesTeacher = (cfg: ClipConfig): cfg is ClipConfig & { teacher: TeacherConfig } => !!cfg.teacher;

/** Hidden width of the MLP adapter. */
export const adapterHidden = (cfg: ClipConfig): number => cfg.teacher?.hidden ?? 4 * cfg.embedDim;

/** Residual MLP blocks of the 'residual' adapter. */
export const adapterBlocks = (cfg: ClipConfig): number => cfg.teacher?.blocks ?? 4;

/** Parameter names of residual block i of the 'residual' adapter, and of its output head. */
export const residualNames = (i: number) => {
  const p = `text.adapter.blocks.${i}`;
  return { lnG: `${p}.ln.g`, lnB: `${p}.ln.b`, fcW: `${p}.fc.w`, fcB: `${p}.fc.b`, projW: `${p}.proj.w`, projB: `${p}.proj.b` };
};
export const RESIDUAL_OUT = { lnG: 'text.adapter.ln_out.g', lnB: 'text.adapter.ln_out.b', w: 'text.adapter.out.w', b: 'text.adapter.out.b' } as const;

export const ADAPTER = {
  w: 'text.adapter.w',
  b: 'text.adapter.b',
  fcW: 'text.adapter.fc.w',
  fcB: 'text.adapter.fc.b',
  projW: 'text.adapter.proj.w',
  projB: 'text.adapter.proj.b',
} as const;

type AddParam = (name: string, shape: number[], init: InitKind, decay: boolean) => void;

/** The adapter's parameters. Inputs have unit RMS (src/teacher/parse.ts normaliseRows): std = fan_in^-½. */
export function addAdapterParams(cfg: ClipConfig, add: AddParam): void {
  const t = teacherOf(cfg);
  const E = cfg.embedDim;
  const zero: InitKind = { kind: 'const', value: 0 };
  if (t.adapter === 'linear') {
    add(ADAPTER.w, [E, t.dim], { kind: 'normal', std: t.dim ** -0.5 }, true);
    add(ADAPTER.b, [E], zero, false);
  } else if (t.adapter === 'residual') {
    const H = adapterHidden(cfg);
    const n = adapterBlocks(cfg);
    const one: InitKind = { kind: 'const', value: 1 };
    for (let i = 0; i < n; i++) {
      const r = residualNames(i);
      add(r.lnG, [t.dim], one, false);
      add(r.lnB, [t.dim], zero, false);
      add(r.fcW, [H, t.dim], { kind: 'normal', std: t.dim ** -0.5 }, true);
      add(r.fcB, [H], zero, false);
      // GPT-2-style residual scaling: each block adds ~(2n)^-½ of a unit-variance update.
      add(r.projW, [t.dim, H], { kind: 'normal', std: H ** -0.5 * (2 * n) ** -0.5 }, true);
      add(r.projB, [t.dim], zero, false);
    }
    add(RESIDUAL_OUT.lnG, [t.dim], one, false);
    add(RESIDUAL_OUT.lnB, [t.dim], zero, false);
    add(RESIDUAL_OUT.w, [E, t.dim], { kind: 'normal', std: t.dim ** -0.5 }, true);
    add(RESIDUAL_OUT.b, [E], zero, false);
  } else {
    const H = adapterHidden(cfg);
    add(ADAPTER.fcW, [H, t.dim], { kind: 'normal', std: t.dim ** -0.5 }, true);
    add(ADAPTER.fcB, [H], zero, false);
    add(ADAPTER.projW, [E, H], { kind: 'normal', std: H ** -0.5 }, true);
    add(ADAPTER.projB, [E], zero, false);
  }
}

/** Why a teacher config cannot build (null when it can). */
export function teacherProblem(cfg: ClipConfig): string | null {
  const t = cfg.teacher;
  if (!t) return null;
  if (!Number.isInteger(t.dim) || t.dim < 1 || t.dim > 16384) return `teacher.dim: must be an integer between 1 and 16384, got ${JSON.stringify(t.dim)}`;
  if (t.adapter !== 'linear' && t.adapter !== 'mlp' && t.adapter !== 'residual') {
    return `teacher.adapter: must be "linear", "mlp" or "residual", got ${JSON.stringify(t.adapter)}`;
  }
  if (t.blocks !== undefined && (!Number.isInteger(t.blocks) || t.blocks < 1 || t.blocks > 64)) return `teacher.blocks: must be an integer between 1 and 64, got ${JSON.stringify(t.blocks)}`;
  if (t.hidden !== undefined && (!Number.isInteger(t.hidden) || t.hidden < 1 || t.hidden > 16384)) return `teacher.hidden: must be an integer between 1 and 16384, got ${JSON.stringify(t.hidden)}`;
  if (cfg.sharing.preset !== 'separate' || cfg.sharing.finalLn) {
    return `teacher: a teacher run has no text tower to share weights with — sharing must be "separate" (no shared final LayerNorm), got "${cfg.sharing.preset}"`;
  }
  return null;
}

function teacherOf(cfg: ClipConfig): TeacherConfig {
  if (!cfg.teacher) throw new Error('not a teacher config');
  return cfg.teacher;
}

// ------------------------------------------------------------------------------------------ GPU

/** The frozen table on the GPU, plus the (1, D_t) zero "position" row the gather kernel adds. */
export interface FrozenTable {
  features: Tensor;
  zeroPos: Tensor;
  rows: number;
  dim: number;
}

export function uploadFrozen(gpu: Gpu, data: Float32Array, rows: number, dim: number): FrozenTable {
  if (data.length !== rows * dim) throw new Error(`frozen table: ${data.length} values for (${rows}, ${dim})`);
  return {
    features: gpu.fromArray(data, [rows, dim], 'teacher.features'),
    zeroPos: gpu.fromArray(new Float32Array(dim), [1, dim], 'teacher.zero_pos'),
    rows,
    dim,
  };
}

export function destroyFrozen(t: FrozenTable): void {
  t.features.buffer.destroy();
  t.zeroPos.buffer.destroy();
}

/** Rows (B) i32 of the table → L2-normalised text embeddings (B, E) through the adapter. */
export function encodeTeacherText(tape: Tape, cfg: ClipConfig, table: FrozenTable, rows: Tensor, B: number): Var {
  const t = teacherOf(cfg);
  if (table.dim !== t.dim) throw new Error(`teacher table has width ${table.dim}; the config expects ${t.dim}`);
  const E = cfg.embedDim;
  const Dt = t.dim;
  // Frozen: an activation that never asks for a gradient, so nothing flows back into the table.
  const f = tape.act([B, Dt], 'teacher.features', false);
  embeddingForward(tape.gpu, rows, table.features, table.zeroPos, f.t, B, 1, Dt);
  let y: Var;
  if (t.adapter === 'linear') y = linear(tape, f, tape.param(ADAPTER.w), tape.param(ADAPTER.b), B, Dt, E, 'text.adapter');
  else if (t.adapter === 'residual') {
    const H = adapterHidden(cfg);
    const p = (name: string) => tape.param(name);
    let x = f;
    for (let i = 0; i < adapterBlocks(cfg); i++) {
      const r = residualNames(i);
      const pre = `text.adapter.blocks.${i}`;
      const h = linear(tape, layerNorm(tape, x, p(r.lnG), p(r.lnB), B, Dt, `${pre}.ln`), p(r.fcW), p(r.fcB), B, Dt, H, `${pre}.fc`);
      const m = linear(tape, gelu(tape, h, B * H, `${pre}.gelu`), p(r.projW), p(r.projB), B, H, Dt, `${pre}.proj`);
      x = add(tape, x, m, B * Dt, `${pre}.res`);
    }
    const o = layerNorm(tape, x, p(RESIDUAL_OUT.lnG), p(RESIDUAL_OUT.lnB), B, Dt, 'text.adapter.ln_out');
    y = linear(tape, o, p(RESIDUAL_OUT.w), p(RESIDUAL_OUT.b), B, Dt, E, 'text.adapter.out');
  } else {
    const H = adapterHidden(cfg);
    const h = linear(tape, f, tape.param(ADAPTER.fcW), tape.param(ADAPTER.fcB), B, Dt, H, 'text.adapter.fc');
    const g = gelu(tape, h, B * H, 'text.adapter.gelu');
    y = linear(tape, g, tape.param(ADAPTER.projW), tape.param(ADAPTER.projB), B, H, E, 'text.adapter.proj');
  }
  return l2normalize(tape, y, B, E, 'text.emb');
}

// ------------------------------------------------------------------------------- float64 reference

type M = Float64Array<ArrayBufferLike>;

function linearRef(x: ArrayLike<number>, N: number, Cin: number, w: ArrayLike<number>, Cout: number, b: ArrayLike<number>): M {
  const y = new Float64Array(N * Cout);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < Cout; o++) {
      let s = b[o];
      for (let i = 0; i < Cin; i++) s += x[n * Cin + i] * w[o * Cin + i];
      y[n * Cout + o] = s;
    }
  return y;
}

/** Gather rows of a (R, D_t) table: (B, D_t). */
export function gatherRowsRef(table: ArrayLike<number>, dim: number, rows: ArrayLike<number>): M {
  const out = new Float64Array(rows.length * dim);
  for (let b = 0; b < rows.length; b++) for (let c = 0; c < dim; c++) out[b * dim + c] = table[rows[b] * dim + c];
  return out;
}

export interface AdapterForward {
  /** Pre-normalisation output (B, E). */
  y: M;
  /** L2-normalised (B, E). */
  emb: M;
  norms: M;
  /** MLP only: pre-activation (B, H) and GELU output. */
  h?: M;
  g?: M;
  /** Residual only: per block its input x (B, D_t), LN stats and output, pre-activation and GELU output; then the head's. */
  res?: { x: M; ln: { y: M; mean: M; rstd: M }; h: M; g: M }[];
  out?: { x: M; ln: { y: M; mean: M; rstd: M } };
}

/** The adapter on features f (B, D_t), in float64. */
export function adapterForwardRef(cfg: ClipConfig, P: ParamGetter, f: ArrayLike<number>, B: number): AdapterForward {
  const t = teacherOf(cfg);
  const E = cfg.embedDim;
  let y: M;
  let h: M | undefined;
  let g: M | undefined;
  if (t.adapter === 'linear') y = linearRef(f, B, t.dim, P(ADAPTER.w), E, P(ADAPTER.b));
  else if (t.adapter === 'residual') {
    const H = adapterHidden(cfg);
    const D = t.dim;
    const res: NonNullable<AdapterForward['res']> = [];
    let x: M = Float64Array.from(f);
    for (let i = 0; i < adapterBlocks(cfg); i++) {
      const r = residualNames(i);
      const ln = layernormForwardRef(x, P(r.lnG), P(r.lnB), B, D);
      const hh = linearRef(ln.y, B, D, P(r.fcW), H, P(r.fcB));
      const gg = geluForwardRef(hh);
      const m = linearRef(gg, B, H, P(r.projW), D, P(r.projB));
      res.push({ x, ln, h: hh, g: gg });
      x = x.map((v, j) => v + m[j]);
    }
    const ln = layernormForwardRef(x, P(RESIDUAL_OUT.lnG), P(RESIDUAL_OUT.lnB), B, D);
    y = linearRef(ln.y, B, D, P(RESIDUAL_OUT.w), E, P(RESIDUAL_OUT.b));
    const { y: emb, norms } = l2normForwardRef(y, B, E);
    return { y, emb, norms, res, out: { x, ln } };
  } else {
    const H = adapterHidden(cfg);
    h = linearRef(f, B, t.dim, P(ADAPTER.fcW), H, P(ADAPTER.fcB));
    g = geluForwardRef(h);
    y = linearRef(g, B, H, P(ADAPTER.projW), E, P(ADAPTER.projB));
  }
  const { y: emb, norms } = l2normForwardRef(y, B, E);
  return { y, emb, norms, h, g };
}

/**
 * Hand-derived backward of the adapter for an upstream gradient dEmb (B, E) on the normalised output:
 * gradients of every adapter parameter (by name) and of the input features (B, D_t) — the latter only to
 * check the derivation; training never uses it (the table is frozen).
 */
export function adapterBackwardRef(cfg: ClipConfig, P: ParamGetter, f: ArrayLike<number>, B: number, dEmb: ArrayLike<number>): { grads: Record<string, M>; df: M } {
  const t = teacherOf(cfg);
  const E = cfg.embedDim;
  const fw = adapterForwardRef(cfg, P, f, B);
  const dy = l2normBackwardRef(fw.emb, fw.norms, dEmb, B, E);
  // y = x·Wᵀ + b  ⇒  dW = dyᵀ·x, db = Σ_rows dy, dx = dy·W
  const lin = (x: ArrayLike<number>, Cin: number, w: ArrayLike<number>, Cout: number, d: M) => {
    const dW = new Float64Array(Cout * Cin);
    const db = new Float64Array(Cout);
    const dx = new Float64Array(B * Cin);
    for (let n = 0; n < B; n++)
      for (let o = 0; o < Cout; o++) {
        const gy = d[n * Cout + o];
        db[o] += gy;
        for (let i = 0; i < Cin; i++) {
          dW[o * Cin + i] += gy * x[n * Cin + i];
          dx[n * Cin + i] += gy * w[o * Cin + i];
        }
      }
    return { dW, db, dx };
  };
  if (t.adapter === 'linear') {
    const r = lin(f, t.dim, P(ADAPTER.w), E, dy);
    return { grads: { [ADAPTER.w]: r.dW, [ADAPTER.b]: r.db }, df: r.dx };
  }
  if (t.adapter === 'residual' && fw.res && fw.out) {
    const D = t.dim;
    const H = adapterHidden(cfg);
    const grads: Record<string, M> = {};
    // Head: y = LN(x)·Wᵀ + b.
    const o = lin(fw.out.ln.y, D, P(RESIDUAL_OUT.w), E, dy);
    const lo = layernormBackwardRef(fw.out.x, P(RESIDUAL_OUT.lnG), fw.out.ln.mean, fw.out.ln.rstd, o.dx, B, D);
    Object.assign(grads, { [RESIDUAL_OUT.w]: o.dW, [RESIDUAL_OUT.b]: o.db, [RESIDUAL_OUT.lnG]: lo.dgamma, [RESIDUAL_OUT.lnB]: lo.dbeta });
    // Blocks, last first: x_{i+1} = x_i + proj(GELU(fc(LN(x_i)))) ⇒ dx_i = dx_{i+1} + LN-backward(fc-backward(…)).
    let dx: M = lo.dx;
    for (let i = fw.res.length - 1; i >= 0; i--) {
      const s = fw.res[i];
      const r = residualNames(i);
      const pj = lin(s.g, H, P(r.projW), D, dx);
      const fc = lin(s.ln.y, D, P(r.fcW), H, geluBackwardRef(s.h, pj.dx));
      const ln = layernormBackwardRef(s.x, P(r.lnG), s.ln.mean, s.ln.rstd, fc.dx, B, D);
      Object.assign(grads, { [r.projW]: pj.dW, [r.projB]: pj.db, [r.fcW]: fc.dW, [r.fcB]: fc.db, [r.lnG]: ln.dgamma, [r.lnB]: ln.dbeta });
      dx = dx.map((v, j) => v + ln.dx[j]);
    }
    return { grads, df: dx };
  }
  const H = adapterHidden(cfg);
  const p = lin(fw.g as M, H, P(ADAPTER.projW), E, dy);
  const dh = geluBackwardRef(fw.h as M, p.dx);
  const q = lin(f, t.dim, P(ADAPTER.fcW), H, dh);
  return { grads: { [ADAPTER.projW]: p.dW, [ADAPTER.projB]: p.db, [ADAPTER.fcW]: q.dW, [ADAPTER.fcB]: q.db }, df: q.dx };
}

export interface TeacherRefInputs {
  images: ArrayLike<number>; // (B, 3, H, W)
  /** (R, D_t) frozen table and the row of each batch item. */
  table: ArrayLike<number>;
  rows: ArrayLike<number>; // (B)
  B: number;
}

/** The whole teacher-mode forward + loss in float64: vision tower (reference.ts) and adapter. */
export function teacherLossRef(cfg: ClipConfig, P: ParamGetter, inp: TeacherRefInputs): { loss: number; img: M; txt: M } {
  const img = encodeImageRef(cfg, P, inp.images, inp.B);
  const f = gatherRowsRef(inp.table, teacherOf(cfg).dim, inp.rows);
  const txt = adapterForwardRef(cfg, P, f, inp.B).emb;
  return { loss: lossRef(cfg, P, img, txt, inp.B), img, txt };
}
