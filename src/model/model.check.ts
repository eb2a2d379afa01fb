// Whole-model checks on the GPU: for every preset, (1) the GPU forward matches the independent
// float64 reference, (2) every parameter view's gradient matches float64 finite differences of
// that reference, and (3) in shared-all the shared gradient equals the sum of both towers'.
import type { KernelCheck } from '../kernels/check';
import { judge } from '../kernels/check';
import { Tape } from '../engine/tape';
import { Rng } from '../util/rng';
import { numericalGradient } from '../testing/finite-diff';
import { encodeImage } from './clip';
import type { ClipConfig, DeepPartial } from './config';
import { forwardBackward, tinyInputs } from './gradcheck';
import { paramGetter } from './instance';
import { buildLayout } from './params';
import { clipLossRef } from './reference';
import { PRESET_NAMES, presetConfig } from './registry';

const TINY: DeepPartial<ClipConfig> = {
  vision: { imageSize: 8, patchSize: 4, width: 8, depth: 2, heads: 2, mlpRatio: 2 },
  text: { contextLength: 5, vocabSize: 11, width: 8, depth: 2, heads: 2, mlpRatio: 2 },
  embedDim: 6,
};

export function tinyConfig(preset: string, extra: DeepPartial<ClipConfig> = {}): ClipConfig {
  const over: DeepPartial<ClipConfig> = { ...TINY, ...extra };
  if (preset === 'custom') {
    over.sharing = { matrix: [{ attn: true, mlp: false, ln: true }, { attn: false, mlp: true, ln: false }] };
  }
  return presetConfig(preset, over);
}

/** FD on up to `perView` random elements of every parameter view. */
async function gradCheck(gpu: Parameters<KernelCheck['run']>[0], cfg: ClipConfig, label: string) {
  const B = 3;
  const inp = tinyInputs(cfg, B, 7);
  const run = await forwardBackward(gpu, cfg, inp, 5);
  const x = Float64Array.from(run.params);
  const P = paramGetter(run.model, x);
  const ref = clipLossRef(cfg, P, inp);
  const rng = new Rng(3);
  const idx: number[] = [];
  for (const v of run.model.arena.layout.views) {
    // Up to 4 distinct coordinates per view (a duplicate would be overwritten inside f).
    const picked = new Set<number>();
    while (picked.size < Math.min(v.size, 4)) picked.add(rng.int(v.size));
    for (const i of picked) idx.push(v.offset + i);
  }
  // FD only over the chosen coordinates.
  const fdSub = numericalGradient(
    (sub) => {
      const saved = idx.map((i) => x[i]);
      idx.forEach((i, j) => {
        x[i] = sub[j];
      });
      const l = clipLossRef(cfg, P, inp).loss;
      idx.forEach((i, j) => {
        x[i] = saved[j];
      });
      return l;
    },
    idx.map((i) => x[i]),
    1e-5,
  );
  const gpuSub = idx.map((i) => run.grads[i]);
  run.model.buffers?.destroy();
  run.model.arena.destroy();
  return judge('model', label, [
    { label: 'loss', actual: [run.loss], expected: [ref.loss], tol: { atol: 1e-5, rtol: 1e-5 } },
    { label: 'image emb', actual: run.img, expected: ref.img, tol: { atol: 2e-5, rtol: 1e-4 } },
    { label: 'text emb', actual: run.txt, expected: ref.txt, tol: { atol: 2e-5, rtol: 1e-4 } },
    { label: `grads (${idx.length} coords, every view)`, actual: gpuSub, expected: fdSub, tol: { atol: 1e-4, rtol: 2e-3 } },
  ]);
}

const gradChecks: KernelCheck[] = PRESET_NAMES.map((preset) => ({
  kernel: 'model.grad',
  name: `${preset}: width 8, 2 layers, B=3, InfoNCE — forward vs float64 reference, grads vs FD`,
  run: (gpu) => gradCheck(gpu, tinyConfig(preset), `${preset} InfoNCE`),
}));

const siglipChecks: KernelCheck[] = ['separate', 'shared-all'].map((preset) => ({
  kernel: 'model.grad',
  name: `${preset}: SigLIP loss, grads vs FD`,
  run: (gpu) => gradCheck(gpu, tinyConfig(preset, { loss: 'siglip' }), `${preset} SigLIP`),
}));

// MS-CLIP with its parallel branch deep enough to fuse twice (before layers 2 and 4: stage 0, and the
// bottleneck stage 1), on top of the conv stem.
const branchCheck: KernelCheck = {
  kernel: 'model.grad',
  name: 'ms-clip: parallel branch, 5 layers (fusions before 2 and 4), conv stem — forward vs reference, grads vs FD',
  run: (gpu) =>
    gradCheck(
      gpu,
      tinyConfig('ms-clip', {
        vision: { ...TINY.vision, depth: 5, parallelBranch: true },
        text: { ...TINY.text, depth: 5 },
      }),
      'ms-clip parallel branch',
    ),
};

// BatchNorm modes: a recording (training) forward updates the running stats (outside the arena); an
// inference forward (tape.recording = false) normalises with them and still gives unit-norm embeddings.
const bnEvalCheck: KernelCheck = {
  kernel: 'model.grad',
  name: 'ms-clip: BatchNorm running stats update in training and drive inference (conv stem + parallel branch)',
  async run(gpu) {
    const cfg = tinyConfig('ms-clip', { vision: { ...TINY.vision, depth: 5, parallelBranch: true }, text: { ...TINY.text, depth: 5 } });
    const B = 3;
    const inp = tinyInputs(cfg, B, 7);
    const run = await forwardBackward(gpu, cfg, inp, 5); // one training forward
    const buffers = run.model.buffers;
    if (!buffers) throw new Error('ms-clip model has no buffers');
    const stats = await gpu.read(buffers.flat());
    const init = buffers.layout.initialValues();
    let changed = 0;
    for (let i = 0; i < stats.length; i++) if (stats[i] !== init[i]) changed++;
    const images = gpu.fromArray(inp.images, [inp.images.length], 'images');
    const tape = new Tape(gpu, run.model.arena);
    tape.reset(false);
    const emb = await gpu.read(encodeImage(tape, cfg, images, B).t);
    const statsAfter = await gpu.read(buffers.flat());
    tape.alloc.destroy();
    images.buffer.destroy();
    buffers.destroy();
    run.model.arena.destroy();
    const E = cfg.embedDim;
    const norms = Array.from({ length: B }, (_, b) => Math.hypot(...emb.subarray(b * E, (b + 1) * E)));
    const diff = Math.max(...Array.from(emb, (v, i) => Math.abs(v - run.img[i])));
    const real = buffers.layout.views.reduce((n, v) => n + v.size, 0);
    return judge('model.bn', 'running stats', [
      { label: `running stats updated (${changed} of ${real} changed)`, actual: [changed === real ? 1 : 0], expected: [1], tol: { atol: 0, rtol: 0 } },
      { label: 'inference leaves them alone', actual: statsAfter, expected: stats, tol: { atol: 0, rtol: 0 } },
      { label: 'inference embeddings finite, unit norm', actual: norms, expected: norms.map(() => 1), tol: { atol: 1e-5, rtol: 0 } },
      { label: `inference differs from training-mode BN (max |Δ| ${diff.toExponential(2)})`, actual: [diff > 1e-4 ? 1 : 0], expected: [1], tol: { atol: 0, rtol: 0 } },
    ]);
  },
};

// The preset at its real size (32×32, patch 8, width 64, 4 layers: conv stem + one fusion before layer 2).
const fullSizeCheck: KernelCheck = {
  kernel: 'model.grad',
  name: 'ms-clip preset at full size: loss and every gradient finite, stem and branch gradients non-zero',
  async run(gpu) {
    const cfg = presetConfig('ms-clip');
    const run = await forwardBackward(gpu, cfg, tinyInputs(cfg, 4, 3), 1);
    const L = run.model.arena.layout;
    const finite = run.grads.every(Number.isFinite) ? 1 : 0;
    const nonZero = (prefix: string) => {
      const views = L.views.filter((v) => v.name.startsWith(prefix));
      return views.length > 0 && views.every((v) => run.grads.subarray(v.offset, v.offset + v.size).some((g) => g !== 0)) ? 1 : 0;
    };
    const flags = [nonZero('vision.stem.'), nonZero('vision.branch.'), nonZero('vision.fuse0.')];
    run.model.buffers?.destroy();
    run.model.arena.destroy();
    return judge('model.grad', 'ms-clip full size', [
      { label: `loss ${run.loss.toFixed(4)} finite`, actual: [Number.isFinite(run.loss) ? 1 : 0], expected: [1], tol: { atol: 0, rtol: 0 } },
      { label: 'all grads finite', actual: [finite], expected: [1], tol: { atol: 0, rtol: 0 } },
      { label: 'every stem / branch / fusion view has a non-zero gradient', actual: flags, expected: [1, 1, 1], tol: { atol: 0, rtol: 0 } },
    ]);
  },
};

const sharingCheck: KernelCheck = {
  kernel: 'model.sharing',
  name: 'shared-all gradient = vision + text contributions (vs separate towers with equal weights)',
  async run(gpu) {
    const shared = tinyConfig('shared-all');
    const sep = tinyConfig('separate');
    const inp = tinyInputs(shared, 3, 9);
    const a = await forwardBackward(gpu, shared, inp, 21);
    // Separate model with the same values: each tower's view gets the shared value.
    const Ls = a.model.arena.layout;
    const Lp = buildLayout(sep);
    const init = new Float32Array(Lp.totalElements);
    for (const v of Lp.views) {
      const src = Ls.get(v.name);
      init.set(a.params.subarray(src.offset, src.offset + src.size), v.offset);
    }
    const b = await forwardBackward(gpu, sep, inp, 21, init);
    const want: number[] = [];
    const got: number[] = [];
    for (const v of Ls.views) {
      if (!v.name.startsWith('shared.')) continue;
      const vis = Lp.get(v.name.replace('shared.', 'vision.'));
      const txt = Lp.get(v.name.replace('shared.', 'text.'));
      for (let i = 0; i < v.size; i++) {
        got.push(a.grads[v.offset + i]);
        want.push(b.grads[vis.offset + i] + b.grads[txt.offset + i]);
      }
    }
    a.model.arena.destroy();
    b.model.arena.destroy();
    return judge('model.sharing', 'shared grad = Σ towers', [
      { label: 'same loss', actual: [a.loss], expected: [b.loss], tol: { atol: 1e-6, rtol: 1e-6 } },
      { label: `${got.length} shared grads`, actual: got, expected: want, tol: { atol: 1e-6, rtol: 1e-4 } },
    ]);
  },
};

export const checks: KernelCheck[] = [...gradChecks, branchCheck, bnEvalCheck, fullSizeCheck, ...siglipChecks, sharingCheck];
