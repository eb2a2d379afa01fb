// ViT input: patch extraction (im2patch) and CLS + position prepend: launchers + CPU references.
// See shaders/im2patch.wgsl, cls_pos_forward.wgsl, cls_pos_backward.wgsl.
import type { Gpu } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import clsBwdCode from '../../shaders/cls_pos_backward.wgsl?raw';
import clsFwdCode from '../../shaders/cls_pos_forward.wgsl?raw';
import im2patchCode from '../../shaders/im2patch.wgsl?raw';
import { need } from './elementwise';

const im2patchShader = { name: 'im2patch', code: im2patchCode };
const clsFwd = { name: 'cls_pos_forward', code: clsFwdCode };
const clsBwd = { name: 'cls_pos_backward', code: clsBwdCode };

function patchDims(H: number, W: number, p: number): { P: number; K: (Cin: number) => number } {
  if (p <= 0 || H % p !== 0 || W % p !== 0) throw new Error(`im2patch: ${H}×${W} image is not a whole number of ${p}×${p} patches`);
  return { P: (H / p) * (W / p), K: (Cin) => Cin * p * p };
}

/**
 * img (B, Cin, H, W) NCHW → out (B, P, Cin·p·p), P = (H/p)·(W/p) patches in row-major order,
 * each patch vector ordered (c, py, px). No backward: the inputs are images.
 */
export function im2patch(gpu: Gpu, img: Tensor, out: Tensor, B: number, Cin: number, H: number, W: number, p: number): void {
  const { P, K } = patchDims(H, W, p);
  need('im2patch', img, B * Cin * H * W, 'img');
  need('im2patch', out, B * P * K(Cin), 'out');
  const n = B * P * K(Cin);
  if (n === 0) return;
  gpu.run({ shader: im2patchShader, bindings: [img, out], uniforms: [B, Cin, H, W, p], grid: Math.ceil(n / 256), label: 'im2patch' });
}

/** out (B, P+1, C): out[b,0] = cls + pos[0]; out[b,1+i] = tokens[b,i] + pos[1+i]. */
export function clsPosForward(gpu: Gpu, tokens: Tensor, cls: Tensor, pos: Tensor, out: Tensor, B: number, P: number, C: number): void {
  need('clsPosForward', tokens, B * P * C, 'tokens');
  need('clsPosForward', cls, C, 'cls');
  need('clsPosForward', pos, (P + 1) * C, 'pos');
  need('clsPosForward', out, B * (P + 1) * C, 'out');
  const n = B * (P + 1) * C;
  if (n === 0) return;
  gpu.run({ shader: clsFwd, bindings: [tokens, cls, pos, out], uniforms: [B, P, C], grid: Math.ceil(n / 256), label: 'clsPos' });
}

/** dtokens, dcls, dpos += the gradients of clsPosForward. */
export function clsPosBackward(gpu: Gpu, dout: Tensor, dtokens: Tensor, dcls: Tensor, dpos: Tensor, B: number, P: number, C: number): void {
  need('clsPosBackward', dout, B * (P + 1) * C, 'dout');
  need('clsPosBackward', dtokens, B * P * C, 'dtokens');
  need('clsPosBackward', dcls, C, 'dcls');
  need('clsPosBackward', dpos, (P + 1) * C, 'dpos');
  const n = (P + 1) * C;
  if (n === 0 || B === 0) return;
  gpu.run({ shader: clsBwd, bindings: [dout, dtokens, dcls, dpos], uniforms: [B, P, C], grid: Math.ceil(n / 256), label: 'clsPos.bwd' });
}

export function im2patchRef(img: ArrayLike<number>, B: number, Cin: number, H: number, W: number, p: number): Float64Array {
  const { P, K } = patchDims(H, W, p);
  const Wp = W / p;
  const k = K(Cin);
  const out = new Float64Array(B * P * k);
  for (let b = 0; b < B; b++)
    for (let pi = 0; pi < P; pi++)
      for (let c = 0; c < Cin; c++)
        for (let py = 0; py < p; py++)
          for (let px = 0; px < p; px++) {
            const y = Math.floor(pi / Wp) * p + py;
            const x = (pi % Wp) * p + px;
            out[(b * P + pi) * k + (c * p + py) * p + px] = img[((b * Cin + c) * H + y) * W + x];
          }
  return out;
}

export function clsPosForwardRef(
  tokens: ArrayLike<number>,
  cls: ArrayLike<number>,
  pos: ArrayLike<number>,
  B: number,
  P: number,
  C: number,
): Float64Array {
  const S = P + 1;
  const out = new Float64Array(B * S * C);
  for (let b = 0; b < B; b++)
    for (let j = 0; j < S; j++)
      for (let c = 0; c < C; c++) {
        const v = j === 0 ? cls[c] : tokens[(b * P + j - 1) * C + c];
        out[(b * S + j) * C + c] = v + pos[j * C + c];
      }
  return out;
}

/** The gradients alone. */
export function clsPosBackwardRef(
  dout: ArrayLike<number>,
  B: number,
  P: number,
  C: number,
): { dtokens: Float64Array; dcls: Float64Array; dpos: Float64Array } {
  const S = P + 1;
  const dtokens = new Float64Array(B * P * C);
  const dcls = new Float64Array(C);
  const dpos = new Float64Array(S * C);
  for (let b = 0; b < B; b++)
    for (let j = 0; j < S; j++)
      for (let c = 0; c < C; c++) {
        const g = dout[(b * S + j) * C + c];
        dpos[j * C + c] += g;
        if (j === 0) dcls[c] += g;
        else dtokens[(b * P + j - 1) * C + c] += g;
      }
  return { dtokens, dcls, dpos };
}
