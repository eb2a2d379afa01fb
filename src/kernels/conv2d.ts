// 2-D convolution (NCHW, grouped: dense, depthwise and anything between): launchers + float64 CPU references.
// Direct kernels, barrier-free: shaders/conv2d_forward.wgsl (one invocation per output),
// conv2d_backward_input.wgsl (gather per input element), conv2d_backward_weight.wgsl (per weight element),
// conv2d_backward_bias.wgsl (per output channel).
import type { Gpu } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { need } from './elementwise';
import { dummyTensor } from './matmul';
import bwdBiasCode from '../../shaders/conv2d_backward_bias.wgsl?raw';
import bwdInputCode from '../../shaders/conv2d_backward_input.wgsl?raw';
import bwdWeightCode from '../../shaders/conv2d_backward_weight.wgsl?raw';
import fwdCode from '../../shaders/conv2d_forward.wgsl?raw';

const fwd = { name: 'conv2d_forward', code: fwdCode };
const bwdInput = { name: 'conv2d_backward_input', code: bwdInputCode };
const bwdWeight = { name: 'conv2d_backward_weight', code: bwdWeightCode };
const bwdBias = { name: 'conv2d_backward_bias', code: bwdBiasCode };

export interface ConvDims {
  B: number;
  Cin: number;
  H: number;
  W: number;
  Cout: number;
  /** Square kernel size. */
  k: number;
  stride: number;
  pad: number;
  /** 1 = dense, Cin = depthwise (Cout = Cin·multiplier); must divide Cin and Cout. */
  groups: number;
}

/** Output spatial size: floor((H + 2·pad − k) / stride) + 1 (as torch). */
export function convOutSize(d: ConvDims): { Ho: number; Wo: number } {
  return { Ho: Math.floor((d.H + 2 * d.pad - d.k) / d.stride) + 1, Wo: Math.floor((d.W + 2 * d.pad - d.k) / d.stride) + 1 };
}

/** Validated sizes shared by launchers and references. */
function sizes(d: ConvDims) {
  const { Ho, Wo } = convOutSize(d);
  for (const [v, what] of [[d.B, 'B'], [d.Cin, 'Cin'], [d.H, 'H'], [d.W, 'W'], [d.Cout, 'Cout'], [d.k, 'k'], [d.stride, 'stride'], [d.groups, 'groups']] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`conv2d: ${what} = ${v} must be a positive integer`);
  }
  if (!Number.isInteger(d.pad) || d.pad < 0) throw new Error(`conv2d: pad = ${d.pad} must be a non-negative integer`);
  if (d.Cin % d.groups !== 0 || d.Cout % d.groups !== 0) throw new Error(`conv2d: groups ${d.groups} must divide Cin ${d.Cin} and Cout ${d.Cout}`);
  if (Ho < 1 || Wo < 1) throw new Error(`conv2d: empty output ${Ho}×${Wo} for ${d.H}×${d.W}, k ${d.k}, pad ${d.pad}`);
  const cinPerG = d.Cin / d.groups;
  const coutPerG = d.Cout / d.groups;
  return {
    Ho,
    Wo,
    cinPerG,
    coutPerG,
    nx: d.B * d.Cin * d.H * d.W,
    ny: d.B * d.Cout * Ho * Wo,
    nw: d.Cout * cinPerG * d.k * d.k,
    // Uniform block shared by the three main kernels.
    uniforms: [d.B, d.Cin, d.H, d.W, d.Cout, Ho, Wo, d.k, d.stride, d.pad, cinPerG, coutPerG],
  };
}

/** y (B, Cout, Ho, Wo) = conv(x (B, Cin, H, W), w (Cout, Cin/groups, k, k)) (+ bias (Cout)). Overwrites y. */
export function conv2dForward(gpu: Gpu, x: Tensor, w: Tensor, bias: Tensor | null, y: Tensor, d: ConvDims): void {
  const s = sizes(d);
  need('conv2dForward', x, s.nx, 'x');
  need('conv2dForward', w, s.nw, 'w');
  need('conv2dForward', y, s.ny, 'y');
  if (bias) need('conv2dForward', bias, d.Cout, 'bias');
  gpu.run({
    shader: fwd,
    constants: { HAS_BIAS: !!bias },
    bindings: [x, w, y, bias ?? dummyTensor(gpu)],
    uniforms: s.uniforms,
    grid: Math.ceil(s.ny / 64),
    label: `conv2d.forward.k${d.k}s${d.stride}${d.groups > 1 ? 'g' : ''}`,
  });
}

/** dx (+=), dw (+=), dbias (+=) of the convolution; pass null to skip any of them. */
export function conv2dBackward(
  gpu: Gpu,
  x: Tensor,
  w: Tensor,
  dy: Tensor,
  dx: Tensor | null,
  dw: Tensor | null,
  dbias: Tensor | null,
  d: ConvDims,
): void {
  const s = sizes(d);
  need('conv2dBackward', dy, s.ny, 'dy');
  if (dx) {
    need('conv2dBackward', w, s.nw, 'w');
    need('conv2dBackward', dx, s.nx, 'dx');
    gpu.run({ shader: bwdInput, bindings: [dy, w, dx], uniforms: s.uniforms, grid: Math.ceil(s.nx / 64), label: 'conv2d.backward.input' });
  }
  if (dw) {
    need('conv2dBackward', x, s.nx, 'x');
    need('conv2dBackward', dw, s.nw, 'dw');
    gpu.run({ shader: bwdWeight, bindings: [x, dy, dw], uniforms: s.uniforms, grid: Math.ceil(s.nw / 64), label: 'conv2d.backward.weight' });
  }
  if (dbias) {
    need('conv2dBackward', dbias, d.Cout, 'dbias');
    gpu.run({ shader: bwdBias, bindings: [dy, dbias], uniforms: [d.B, d.Cout, s.Ho * s.Wo], grid: Math.ceil(d.Cout / 64), label: 'conv2d.backward.bias' });
  }
}

/**
 * Calls f(xi, wi, yi) for every (input, weight, output) index triple the convolution multiplies together:
 * the forward, and both backward references, are sums over exactly these triples.
 */
function forEachTap(d: ConvDims, f: (xi: number, wi: number, yi: number) => void): void {
  const { Ho, Wo, cinPerG, coutPerG } = sizes(d);
  for (let b = 0; b < d.B; b++) {
    for (let co = 0; co < d.Cout; co++) {
      const ci0 = Math.floor(co / coutPerG) * cinPerG;
      for (let oh = 0; oh < Ho; oh++) {
        for (let ow = 0; ow < Wo; ow++) {
          const yi = ((b * d.Cout + co) * Ho + oh) * Wo + ow;
          for (let cg = 0; cg < cinPerG; cg++) {
            for (let kh = 0; kh < d.k; kh++) {
              const ih = oh * d.stride + kh - d.pad;
              if (ih < 0 || ih >= d.H) continue;
              for (let kw = 0; kw < d.k; kw++) {
                const iw = ow * d.stride + kw - d.pad;
                if (iw < 0 || iw >= d.W) continue;
                f(((b * d.Cin + ci0 + cg) * d.H + ih) * d.W + iw, ((co * cinPerG + cg) * d.k + kh) * d.k + kw, yi);
              }
            }
          }
        }
      }
    }
  }
}

/** CPU reference of conv2dForward in float64: y (B, Cout, Ho, Wo). */
export function conv2dForwardRef(x: ArrayLike<number>, w: ArrayLike<number>, bias: ArrayLike<number> | null, d: ConvDims): Float64Array {
  const { Ho, Wo, ny } = sizes(d);
  const y = new Float64Array(ny);
  if (bias) for (let i = 0; i < ny; i++) y[i] = bias[Math.floor(i / (Ho * Wo)) % d.Cout];
  forEachTap(d, (xi, wi, yi) => {
    y[yi] += x[xi] * w[wi];
  });
  return y;
}

/** CPU reference of the convolution gradients in float64 (fresh, not accumulated): dx, dw, dbias. */
export function conv2dBackwardRef(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  dy: ArrayLike<number>,
  d: ConvDims,
): { dx: Float64Array; dw: Float64Array; dbias: Float64Array } {
  const { Ho, Wo, nx, nw, ny } = sizes(d);
  const dx = new Float64Array(nx);
  const dw = new Float64Array(nw);
  const dbias = new Float64Array(d.Cout);
  forEachTap(d, (xi, wi, yi) => {
    dx[xi] += dy[yi] * w[wi];
    dw[wi] += dy[yi] * x[xi];
  });
  for (let i = 0; i < ny; i++) dbias[Math.floor(i / (Ho * Wo)) % d.Cout] += dy[i];
  return { dx, dw, dbias };
}
