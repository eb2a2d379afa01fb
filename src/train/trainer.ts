// One model's training on the GPU: a step is ONE submission (upload batch → zero grads → forward →
// backward → grad norm + clip → AdamW → record metrics). No readback inside a step: the loss, grad
// norm and logit scale of every step go to a GPU history buffer that the caller reads every k steps.
import type { BatchData } from '../data/types';
import { Tape } from '../engine/tape';
import type { Gpu } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { copy, fill } from '../kernels/elementwise';
import { recordMetrics } from '../kernels/metrics';
import { restoreIfSkipped } from '../kernels/restore';
import { adamw, gradNorm, lrAt, numPartials } from '../kernels/optimizer';
import { clipLoss, encodeImage, encodeText } from '../model/clip';
import type { ClipConfig } from '../model/config';
import { type ModelInstance, createModel } from '../model/instance';
import { logitScaleClamp } from '../model/params';
import { type FrozenTable, destroyFrozen, encodeTeacherText, uploadFrozen } from '../model/teacher';
import { teacherTable } from './teacher-tables';
import { loadVisionTower, teacherVisionTower } from './teacher-vision';
import { type CheckpointMeta, readCheckpoint, writeCheckpoint } from './checkpoint';
import { type TrainHyper, groupMults } from './hyper';


export type { BatchData };

export interface StepRecord {
  step: number;
  loss: number;
  gradNorm: number;
  skipped: boolean;
  logitScale: number;
  lr: number;
}

export class Trainer {
  readonly model: ModelInstance;
  readonly tape: Tape;
  private inputs: { images: Tensor; ids: Tensor; eot: Tensor; lengths: Tensor; rows: Tensor };
  /** Teacher mode: the frozen caption-embedding table on the GPU (never trained; src/model/teacher.ts). */
  readonly frozen: FrozenTable | null;
  private partials: Tensor;
  private stats: Tensor;
  private hist: Tensor;
  /** Running stats before the step, restored if AdamW skips it (null when the model has none). */
  private bufBackup: Tensor | null;
  private histSlots: number;
  private pending: { step: number; lr: number }[] = [];
  /** Steps completed (the next step to run is step + 1). */
  step = 0;

  constructor(
    readonly gpu: Gpu,
    readonly cfg: ClipConfig,
    readonly hyper: TrainHyper,
    seed: number,
  ) {
    // Looked up first: a missing teacher table (or pretrained vision tower) is an error before anything is allocated.
    const table = cfg.teacher ? teacherTable(cfg.teacher) : null;
    const vision = cfg.teacher?.vision;
    const tower = vision ? teacherVisionTower(vision) : null;
    // The (possibly large) table goes up first: a buffer over the GPU's limit fails before the model is built.
    this.frozen = table ? uploadFrozen(gpu, table.data, table.rows, table.dim) : null;
    this.model = createModel(gpu, cfg, seed);
    // Teacher run from a pretrained vision tower: its tensors replace the seeded vision init (adapter stays fresh).
    if (tower && vision) {
      try {
        loadVisionTower(gpu, this.model, tower, vision.name);
      } catch (e) {
        this.model.arena.destroy();
        this.model.buffers?.destroy();
        if (this.frozen) destroyFrozen(this.frozen);
        throw e;
      }
    }
    this.tape = new Tape(gpu, this.model.arena);
    const B = hyper.batchSize;
    const v = cfg.vision;
    this.inputs = {
      images: gpu.tensor([B, 3, v.imageSize, v.imageSize], 'batch.images'),
      ids: gpu.tensor([B * cfg.text.contextLength], 'batch.ids', 'i32'),
      eot: gpu.tensor([B], 'batch.eot', 'i32'),
      lengths: gpu.tensor([B], 'batch.lengths', 'i32'),
      rows: gpu.tensor([B], 'batch.rows', 'i32'),
    };
    const n = this.model.arena.layout.totalElements;
    this.partials = gpu.tensor([numPartials(n)], 'gradnorm.partials');
    this.stats = gpu.tensor([4], 'gradnorm.stats');
    this.histSlots = Math.max(1, hyper.logEvery);
    this.hist = gpu.tensor([4 * this.histSlots], 'metrics.history');
    const nb = this.model.buffers?.layout.totalElements ?? 0;
    this.bufBackup = nb > 0 ? gpu.tensor([nb], 'buffers.backup') : null;
  }

  get arena() {
    return this.model.arena;
  }

  /** Record and submit one training step. */
  runStep(batch: BatchData): void {
    if (this.pending.length >= this.histSlots) throw new Error('read metrics (readMetrics) before running more steps');
    const { gpu, cfg, hyper, tape } = this;
    const B = hyper.batchSize;
    gpu.upload(this.inputs.images, batch.images);
    gpu.upload(this.inputs.ids, batch.ids);
    gpu.upload(this.inputs.eot, batch.eot);
    gpu.upload(this.inputs.lengths, batch.lengths);
    if (this.frozen) {
      if (!batch.captionRow) throw new Error('teacher mode: the batch carries no caption rows');
      gpu.upload(this.inputs.rows, batch.captionRow);
    }

    tape.reset(true);
    const arena = this.model.arena;
    const n = arena.layout.totalElements;
    fill(gpu, arena.flat('grads'), 0, n);
    const bufs = this.model.buffers;
    if (bufs && this.bufBackup) copy(gpu, bufs.flat(), this.bufBackup, bufs.layout.totalElements);
    const img = encodeImage(tape, cfg, this.inputs.images, B);
    const txt = this.frozen ? encodeTeacherText(tape, cfg, this.frozen, this.inputs.rows, B) : encodeText(tape, cfg, this.inputs, B);
    const loss = clipLoss(tape, cfg, img, txt, B);
    tape.backward(loss);

    const step = this.step + 1;
    const lr = lrAt(step, { lr: hyper.lr, warmup: hyper.warmup, total: hyper.steps, minLr: hyper.minLr });
    gradNorm(gpu, arena.flat('grads'), this.partials, this.stats, n, hyper.gradClip);
    adamw(gpu, arena.flat('params'), arena.flat('grads'), arena.flat('m'), arena.flat('v'), arena.groupMask, this.stats, n, {
      lr,
      beta1: hyper.beta1,
      beta2: hyper.beta2,
      eps: hyper.eps,
      weightDecay: hyper.weightDecay,
      step,
      ...groupMults(hyper),
      clamp: logitScaleClamp(cfg, arena.layout),
    });
    // A skipped step must leave no trace: undo its BatchNorm running-stat update too.
    if (bufs && this.bufBackup) restoreIfSkipped(gpu, this.stats, this.bufBackup, bufs.flat(), bufs.layout.totalElements);
    recordMetrics(gpu, loss.t, this.stats, arena.param('logit_scale'), this.hist, this.pending.length);
    gpu.flush();
    this.pending.push({ step, lr });
    this.step = step;
  }

  /** True when the GPU history is full and must be read before the next step. */
  get mustRead(): boolean {
    return this.pending.length >= this.histSlots;
  }

  /** Read back the per-step metrics recorded since the last call (one small readback). */
  async readMetrics(): Promise<StepRecord[]> {
    if (this.pending.length === 0) return [];
    const h = await this.gpu.read(this.hist);
    const out = this.pending.map((p, i) => ({
      step: p.step,
      lr: p.lr,
      loss: h[4 * i],
      gradNorm: h[4 * i + 1],
      skipped: h[4 * i + 2] !== 0,
      logitScale: Math.exp(h[4 * i + 3]),
    }));
    this.pending = [];
    return out;
  }

  /** L2-normalised embeddings of images (N,3,H,W) in chunks of the batch size, no autograd. */
  async embedImages(images: Float32Array, N: number): Promise<Float32Array> {
    return this.embedChunks(N, (lo, hi) => {
      const px = this.inputs.images.shape.slice(1).reduce((a, b) => a * b, 1);
      const chunk = new Float32Array(this.hyper.batchSize * px);
      chunk.set(images.subarray(lo * px, hi * px));
      this.gpu.upload(this.inputs.images, chunk);
      return encodeImage(this.tape, this.cfg, this.inputs.images, this.hyper.batchSize).t;
    });
  }

  /** Text embeddings of N token rows; in teacher mode of the table rows `rows` (N) instead (no table row: an error). */
  async embedTexts(ids: Int32Array, eot: Int32Array, lengths: Int32Array, N: number, rows?: Int32Array): Promise<Float32Array> {
    const T = this.cfg.text.contextLength;
    const B = this.hyper.batchSize;
    const frozen = this.frozen;
    if (frozen) {
      if (!rows) throw new Error("this run's text side is a frozen teacher table: only the dataset's own captions can be embedded");
      return this.embedChunks(N, (lo, hi) => {
        const r = new Int32Array(B);
        r.set(rows.subarray(lo, hi));
        this.gpu.upload(this.inputs.rows, r);
        return encodeTeacherText(this.tape, this.cfg, frozen, this.inputs.rows, B).t;
      });
    }
    return this.embedChunks(N, (lo, hi) => {
      const c = new Int32Array(B * T);
      c.set(ids.subarray(lo * T, hi * T));
      const e = new Int32Array(B);
      e.set(eot.subarray(lo, hi));
      const l = new Int32Array(B).fill(1);
      l.set(lengths.subarray(lo, hi));
      this.gpu.upload(this.inputs.ids, c);
      this.gpu.upload(this.inputs.eot, e);
      this.gpu.upload(this.inputs.lengths, l);
      return encodeText(this.tape, this.cfg, this.inputs, B).t;
    });
  }

  private async embedChunks(N: number, run: (lo: number, hi: number) => Tensor): Promise<Float32Array> {
    const B = this.hyper.batchSize;
    const E = this.cfg.embedDim;
    const out = new Float32Array(N * E);
    for (let lo = 0; lo < N; lo += B) {
      const hi = Math.min(N, lo + B);
      this.tape.reset(false);
      const emb = run(lo, hi);
      const got = await this.gpu.read(emb);
      out.set(got.subarray(0, (hi - lo) * E), lo * E);
    }
    return out;
  }

  /** A safetensors checkpoint of params + Adam state at the current step (reads the arena back). */
  async saveCheckpoint(tokenizer: unknown, seed: number, history?: CheckpointMeta['history']): Promise<Uint8Array> {
    if (this.pending.length) throw new Error('read metrics before checkpointing');
    const a = this.model.arena;
    const [params, m, v] = await Promise.all([this.gpu.read(a.flat('params')), this.gpu.read(a.flat('m')), this.gpu.read(a.flat('v'))]);
    const bufs = this.model.buffers;
    const buffers = bufs && bufs.layout.totalElements > 0 ? { layout: bufs.layout, values: await this.gpu.read(bufs.flat()) } : undefined;
    return writeCheckpoint(a.layout, { params, m, v, buffers }, { config: this.cfg, tokenizer, step: this.step, seed, hyper: this.hyper, history });
  }

  /** Restore params, Adam state and the step from a checkpoint of the same config. */
  loadCheckpoint(bytes: Uint8Array): CheckpointMeta {
    const a = this.model.arena;
    const bufs = this.model.buffers;
    const { meta, state } = readCheckpoint(bytes, a.layout, bufs?.layout);
    if (!state) throw new Error('checkpoint has no state');
    if (bufs && state.buffers) this.gpu.upload(bufs.flat(), state.buffers.values);
    this.gpu.upload(a.flat('params'), state.params);
    this.gpu.upload(a.flat('m'), state.m);
    this.gpu.upload(a.flat('v'), state.v);
    this.step = meta.step;
    this.pending = [];
    return meta;
  }

  /** GPU copies of params (+ BatchNorm running stats) at the best validation loss so far (keepBest). */
  private best: { params: Tensor; bufs: Tensor | null } | null = null;

  /** Copy the current weights aside on the GPU (no readback); restoreBest() puts them back. */
  snapshotBest(): void {
    const a = this.model.arena;
    const n = a.layout.totalElements;
    const bufs = this.model.buffers;
    const nb = bufs?.layout.totalElements ?? 0;
    this.best ??= { params: this.gpu.tensor([n], 'best.params'), bufs: bufs && nb > 0 ? this.gpu.tensor([nb], 'best.buffers') : null };
    copy(this.gpu, a.flat('params'), this.best.params, n);
    if (bufs && this.best.bufs) copy(this.gpu, bufs.flat(), this.best.bufs, nb);
    this.gpu.flush();
  }

  /** Back to the weights of the last snapshotBest() (Adam moments and the step stay as they are); false without one. */
  restoreBest(): boolean {
    if (!this.best) return false;
    const a = this.model.arena;
    copy(this.gpu, this.best.params, a.flat('params'), a.layout.totalElements);
    const bufs = this.model.buffers;
    if (bufs && this.best.bufs) copy(this.gpu, this.best.bufs, bufs.flat(), bufs.layout.totalElements);
    this.gpu.flush();
    return true;
  }

  /** Snapshot of all parameters (for checkpoints and tests). */
  async readParams(): Promise<Float32Array> {
    return this.gpu.read(this.model.arena.flat('params'));
  }

  destroy(): void {
    this.tape.alloc.destroy();
    this.model.arena.destroy();
    this.model.buffers?.destroy();
    this.bufBackup?.buffer.destroy();
    this.best?.params.buffer.destroy();
    this.best?.bufs?.buffer.destroy();
    if (this.frozen) destroyFrozen(this.frozen);
    for (const t of [this.inputs.images, this.inputs.ids, this.inputs.eot, this.inputs.lengths, this.inputs.rows, this.partials, this.stats, this.hist]) {
      t.buffer.destroy();
    }
  }
}
