// Teacher-mode checks on the GPU (LLM2CLIP: frozen caption table → adapter; ./teacher.ts):
// (1) the row gather (the embedding kernel with T = 1 and a zero position row) on (N, D) tables;
// (2) forward vs the float64 reference and every parameter view's gradient (vision tower, adapter, loss
//     parameters) vs finite differences, for both adapters and both losses;
// (3) training: the frozen table is bit-identical after many AdamW steps, the text tower is absent,
//     the adapter and vision tower do change, and retrieval beats the untrained start.
import { Tape } from '../engine/tape';
import { Rng } from '../util/rng';
import type { Gpu } from '../gpu/runtime';
import { type KernelCheck, judge } from '../kernels/check';
import { embeddingForward } from '../kernels/embedding';
import { fill } from '../kernels/elementwise';
import { numericalGradient } from '../testing/finite-diff';
import { builtinSet, prepare } from '../data/prepare';
import { captionOffsets } from '../data/caption-order';
import { normaliseRows } from '../teacher/parse';
import { forgetTeacherTable, registerTeacherTable } from '../train/teacher-tables';
import { DEFAULT_HYPER, type TrainHyper } from '../train/hyper';
import { runTraining } from '../train/runner';
import { evaluate } from '../train/evaluate';
import { Trainer } from '../train/trainer';
import { clipLoss, encodeImage } from './clip';
import type { ClipConfig, DeepPartial, TeacherConfig } from './config';
import { createModel, paramGetter } from './instance';
import { presetConfig } from './registry';
import { destroyFrozen, encodeTeacherText, gatherRowsRef, teacherLossRef, uploadFrozen } from './teacher';

const TINY: DeepPartial<ClipConfig> = {
  vision: { imageSize: 8, patchSize: 4, width: 8, depth: 2, heads: 2, mlpRatio: 2 },
  text: { contextLength: 5, vocabSize: 11, width: 8, depth: 2, heads: 2, mlpRatio: 2 },
  embedDim: 6,
};

function teacherConfig(teacher: TeacherConfig, extra: DeepPartial<ClipConfig> = {}): ClipConfig {
  return { ...presetConfig('separate', { ...TINY, ...extra }), teacher };
}

// ------------------------------------------------------------------------------------ row gather

function gatherCase(N: number, D: number, B: number, heavy = false): KernelCheck {
  return {
    kernel: 'model.teacher.gather',
    name: `teacher row gather: table (${N}, ${D}), B=${B} rows (repeats, first and last row) vs CPU, exact`,
    heavy,
    async run(gpu) {
      const rng = new Rng(N * 31 + D);
      const table = Float32Array.from({ length: N * D }, () => rng.normal());
      const rows = Int32Array.from({ length: B }, (_, i) => (i === 0 ? N - 1 : i === 1 ? 0 : rng.int(N)));
      if (B > 3) rows[3] = rows[2];
      const t = uploadFrozen(gpu, table, N, D);
      const r = gpu.fromArray(rows, [B], 'rows', 'i32');
      const out = gpu.tensor([B, D], 'gathered');
      embeddingForward(gpu, r, t.features, t.zeroPos, out, B, 1, D);
      const got = await gpu.read(out);
      destroyFrozen(t);
      r.buffer.destroy();
      out.buffer.destroy();
      return judge('model.teacher.gather', `${N}×${D}`, [{ label: 'rows', actual: got, expected: gatherRowsRef(table, D, rows), tol: { atol: 0, rtol: 0 } }]);
    },
  };
}

// ------------------------------------------------------------------------------ gradients vs FD

async function teacherGradCheck(gpu: Gpu, cfg: ClipConfig, label: string) {
  const t = cfg.teacher as TeacherConfig;
  const B = 3;
  const R = 7;
  const rng = new Rng(17);
  const S = cfg.vision.imageSize;
  const images = Float32Array.from({ length: B * 3 * S * S }, () => rng.normal());
  const table = normaliseRows({ rows: R, dim: t.dim, data: Float32Array.from({ length: R * t.dim }, () => rng.normal()) }).data;
  const rows = Int32Array.of(5, 0, 5); // a repeated row: two items with the same caption features
  const model = createModel(gpu, cfg, 5);
  // Move off the initial point (zero biases, unit gains) so every parameter's gradient is generic.
  const init = Float32Array.from(model.init, (v) => v + 0.05 * rng.normal());
  model.arena.upload(init);
  const frozen = uploadFrozen(gpu, table, R, t.dim);
  const tape = new Tape(gpu, model.arena);
  const imgT = gpu.fromArray(images, [images.length], 'images');
  const rowsT = gpu.fromArray(rows, [B], 'rows', 'i32');
  fill(gpu, model.arena.flat('grads'), 0, model.arena.layout.totalElements);
  const img = encodeImage(tape, cfg, imgT, B);
  const txt = encodeTeacherText(tape, cfg, frozen, rowsT, B);
  const loss = clipLoss(tape, cfg, img, txt, B);
  tape.backward(loss);
  const [l, grads, ie, te, tableAfter] = await Promise.all([gpu.read(loss.t), gpu.read(model.arena.flat('grads')), gpu.read(img.t), gpu.read(txt.t), gpu.read(frozen.features)]);
  tape.alloc.destroy();
  imgT.buffer.destroy();
  rowsT.buffer.destroy();
  destroyFrozen(frozen);
  model.buffers?.destroy();
  model.arena.destroy();

  const x = Float64Array.from(init);
  const P = paramGetter(model, x);
  const inp = { images, table, rows, B };
  const ref = teacherLossRef(cfg, P, inp);
  const pick = new Rng(3);
  const idx: number[] = [];
  const views: string[] = [];
  for (const v of model.arena.layout.views) {
    views.push(v.name);
    const picked = new Set<number>();
    while (picked.size < Math.min(v.size, 4)) picked.add(pick.int(v.size));
    for (const i of picked) idx.push(v.offset + i);
  }
  const fd = numericalGradient(
    (sub) => {
      const saved = idx.map((i) => x[i]);
      idx.forEach((i, j) => {
        x[i] = sub[j];
      });
      const out = teacherLossRef(cfg, P, inp).loss;
      idx.forEach((i, j) => {
        x[i] = saved[j];
      });
      return out;
    },
    idx.map((i) => x[i]),
    1e-5,
  );
  const noText = views.every((n) => !n.startsWith('text.') || n.startsWith('text.adapter.')) && views.some((n) => n.startsWith('text.adapter.')) ? 1 : 0;
  return judge('model.teacher', label, [
    { label: 'loss', actual: [l[0]], expected: [ref.loss], tol: { atol: 1e-5, rtol: 1e-5 } },
    { label: 'image emb', actual: ie, expected: ref.img, tol: { atol: 2e-5, rtol: 1e-4 } },
    { label: 'text emb (adapter)', actual: te, expected: ref.txt, tol: { atol: 2e-5, rtol: 1e-4 } },
    { label: `grads (${idx.length} coords, ${views.length} views: vision, adapter, loss)`, actual: idx.map((i) => grads[i]), expected: fd, tol: { atol: 1e-4, rtol: 2e-3 } },
    { label: 'no text tower in the arena, adapter present', actual: [noText], expected: [1], tol: { atol: 0, rtol: 0 } },
    { label: 'table untouched by forward + backward', actual: tableAfter, expected: table, tol: { atol: 0, rtol: 0 } },
  ]);
}

const gradChecks: KernelCheck[] = [
  { adapter: 'linear' as const, loss: 'infonce' as const, extra: {} },
  { adapter: 'mlp' as const, loss: 'infonce' as const, extra: {} },
  { adapter: 'linear' as const, loss: 'siglip' as const, extra: {} },
  { adapter: 'mlp' as const, loss: 'siglip' as const, extra: { vision: { ...TINY.vision, stem: 'conv' as const } } },
].map(({ adapter, loss, extra }) => ({
  kernel: 'model.teacher',
  name: `teacher ${adapter} adapter (D_t 5${adapter === 'mlp' ? ', hidden 7' : ''}), ${loss}${extra.vision ? ', conv stem' : ''}, B=3 — forward vs float64 reference, grads (vision + adapter) vs FD`,
  run: (gpu: Gpu) => teacherGradCheck(gpu, teacherConfig({ dim: 5, adapter, hidden: adapter === 'mlp' ? 7 : undefined }, { loss, ...extra }), `${adapter} ${loss}`),
}));

// ------------------------------------------------------------------------- training: frozen stays

/**
 * A stand-in teacher with real signal: each caption's words hashed into ±1 buckets (a bag of words),
 * a deterministic "text encoder" that is not ours. Row order = the dataset's caption order.
 */
function bagOfWords(captions: readonly (readonly string[])[], dim: number): Float32Array {
  const rows = captions.flat();
  const out = new Float32Array(rows.length * dim);
  rows.forEach((c, r) => {
    for (const w of c.toLowerCase().split(/\W+/).filter(Boolean)) {
      let h = 2166136261;
      for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 16777619);
      out[r * dim + ((h >>> 0) % dim)] += (h >>> 31) & 1 ? 1 : -1;
      out[r * dim + ((h >>> 8) % dim)] += 0.5;
    }
  });
  return out;
}

const frozenCheck: KernelCheck = {
  kernel: 'model.teacher.train',
  name: 'teacher training (MLP adapter, bag-of-words teacher, 60 steps): frozen table bit-identical, adapter + vision change, R@1 beats the untrained start',
  heavy: true,
  async run(gpu) {
    const set = builtinSet({ seed: 3, count: 256, valCount: 64, heldOutCount: 0, size: 16 });
    const prep = prepare(set, 16, 300);
    const dim = 48;
    const off = captionOffsets(set.captions);
    const table = normaliseRows({ rows: off[off.length - 1], dim, data: bagOfWords(set.captions, dim) });
    const key = 'check-bag-of-words';
    registerTeacherTable({ key, ...table });
    const teacher: TeacherConfig = { dim, adapter: 'mlp', hidden: 32, source: { file: 'bag-of-words', kind: 'npy', key, captions: '', rows: table.rows } };
    const config: ClipConfig = {
      ...presetConfig('separate', {
        vision: { imageSize: 16, patchSize: 4, width: 16, depth: 1, heads: 2, mlpRatio: 2 },
        text: { contextLength: 16, vocabSize: prep.tokenizer.vocabSize, width: 16, depth: 1, heads: 2, mlpRatio: 2 },
        embedDim: 16,
      }),
      teacher,
    };
    const h: TrainHyper = { ...DEFAULT_HYPER, batchSize: 32, steps: 60, warmup: 5, lr: 3e-3, logEvery: 20, evalEvery: 0, checkpointEvery: 0 };
    const trainer = new Trainer(gpu, config, h, 1);
    try {
      const frozen = trainer.frozen;
      if (!frozen) throw new Error('teacher trainer has no frozen table');
      const before = await gpu.read(frozen.features);
      const p0 = await trainer.readParams();
      const start = await evaluate(trainer, prep.val, 1 / 0.07);
      const r = await runTraining(gpu, { id: 'teacher', config, hyper: h, seed: 1 }, prep.makeData(1, h.batchSize), {}, trainer);
      const after = await gpu.read(frozen.features);
      const p1 = await trainer.readParams();
      const L = trainer.arena.layout;
      const changed = (prefix: string) => {
        const vs = L.views.filter((v) => v.name.startsWith(prefix));
        return vs.length > 0 && vs.some((v) => p1.subarray(v.offset, v.offset + v.size).some((x, i) => x !== p0[v.offset + i])) ? 1 : 0;
      };
      const noTextTower = L.views.every((v) => !v.name.startsWith('text.') || v.name.startsWith('text.adapter.')) ? 1 : 0;
      const r1Start = (start.metrics.i2t[1] + start.metrics.t2i[1]) / 2;
      const end = r.final;
      if (!end) throw new Error('no final evaluation');
      const r1End = (end.i2t[1] + end.t2i[1]) / 2;
      const base = judge('model.teacher.train', 'frozen', [
        { label: `frozen table (${table.rows}×${dim}) bit-identical after ${h.steps} steps`, actual: after, expected: before, tol: { atol: 0, rtol: 0 } },
        { label: 'table as registered', actual: before, expected: table.data, tol: { atol: 0, rtol: 0 } },
        { label: 'adapter, vision tower, logit scale changed', actual: [changed('text.adapter.'), changed('vision.blocks.'), changed('vision.patch.'), changed('logit_scale')], expected: [1, 1, 1, 1], tol: { atol: 0, rtol: 0 } },
        { label: 'no text tower in the arena', actual: [noTextTower], expected: [1], tol: { atol: 0, rtol: 0 } },
        { label: `mean R@1 ${(100 * r1Start).toFixed(1)}% → ${(100 * r1End).toFixed(1)}% (improves by ≥ 3 points)`, actual: [r1End - r1Start >= 0.03 ? 1 : 0], expected: [1], tol: { atol: 0, rtol: 0 } },
      ]);
      return { ...base, message: `${base.message}; val loss ${start.metrics.valLoss.toFixed(3)} → ${end.valLoss.toFixed(3)}` };
    } finally {
      trainer.destroy();
      forgetTeacherTable(key);
    }
  },
};

export const checks: KernelCheck[] = [gatherCase(1, 1, 1), gatherCase(7, 5, 3), gatherCase(1000, 33, 17), gatherCase(4099, 257, 65), gatherCase(8192, 1024, 256, true), ...gradChecks, frozenCheck];
