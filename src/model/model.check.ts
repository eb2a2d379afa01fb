// Whole-model checks on the GPU: for every preset, (1) the GPU forward matches the independent
// float64 reference, (2) every parameter view's gradient matches float64 finite differences of
// that reference, and (3) in shared-all the shared gradient equals the sum of both towers'.
import type { KernelCheck } from '../kernels/check';
import { judge } from '../kernels/check';
import { Rng } from '../engine/rng';
import { numericalGradient } from '../testing/finite-diff';
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

export const checks: KernelCheck[] = [...gradChecks, ...siglipChecks, sharingCheck];
