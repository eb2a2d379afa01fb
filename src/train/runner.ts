// The training loop of one run, independent of how it is hosted (Web Worker, headless runner,
// tests): steps are submitted back to back; every `logEvery` steps the metric history is read
// (the only regular readback), every `evalEvery` steps validation metrics are computed. Pause and
// stop are honoured between steps.
import { withMemoryScope } from '../gpu/memory';
import type { Gpu } from '../gpu/runtime';
import type { ClipConfig } from '../model/config';
import type { TrainData } from '../data/types';
import { type EvalEmbeddings, type EvalMetrics, evaluate } from './evaluate';
import type { TrainHyper } from './hyper';
import { type StepRecord, Trainer } from './trainer';

/** The data a run trains on (moved to the data layer; re-exported for existing importers). */
export type { TrainData };

export interface RunSpec {
  id: string;
  config: ClipConfig;
  hyper: TrainHyper;
  seed: number;
}

export interface RunCallbacks {
  onSteps?(records: StepRecord[], stepsPerSec: number): void;
  onEval?(metrics: EvalMetrics, emb: EvalEmbeddings): void;
  /** Called after every read; return 'pause' to wait, 'stop' to end the run. */
  control?(): 'run' | 'pause' | 'stop';
  waitWhilePaused?(): Promise<void>;
  onCheckpoint?(trainer: Trainer): Promise<void>;
  /** The trainer was created (or resumed) and is about to run. */
  onStart?(trainer: Trainer): void;
  /**
   * Called when `maxSkippedInARow` consecutive steps had non-finite gradients (each was skipped on the
   * GPU, so the weights are intact): the host should pause the run and tell the user.
   */
  onAutoPause?(message: string): void;
  /** After each metrics read: the GPU history is empty, a safe point for checkpoints on request. */
  afterRead?(trainer: Trainer): Promise<void>;
}

export interface RunResult {
  trainer: Trainer;
  stopped: boolean;
  final?: EvalMetrics;
  wallMs: number;
}

export async function runTraining(gpu: Gpu, spec: RunSpec, data: TrainData, cb: RunCallbacks = {}, trainer?: Trainer): Promise<RunResult> {
  const t = trainer ?? (await withMemoryScope(gpu.device, () => new Trainer(gpu, spec.config, spec.hyper, spec.seed), { batchSize: spec.hyper.batchSize }));
  cb.onStart?.(t);
  const h = spec.hyper;
  const t0 = performance.now();
  let lastT = t0;
  let lastStep = t.step;
  let lastScale = Math.exp(t.model.init[t.arena.layout.get('logit_scale').offset]);
  let final: EvalMetrics | undefined;
  let skippedInARow = 0;
  let skippedTotal = 0;
  const maxSkippedInARow = 5;

  const doEval = async () => {
    const r = await evaluate(t, data.val, lastScale);
    final = r.metrics;
    cb.onEval?.(r.metrics, r.emb);
  };

  let scoped = false;
  while (t.step < h.steps) {
    if (!scoped) {
      // The first step allocates every activation buffer: scope it so an out-of-memory failure
      // becomes one clear error (and the trainer's buffers are freed) instead of an uncaptured one.
      scoped = true;
      try {
        await withMemoryScope(gpu.device, () => t.runStep(data.batchAt(t.step)), { batchSize: h.batchSize, params: t.arena.layout.totalElements });
      } catch (e) {
        if (!trainer) t.destroy();
        throw e;
      }
    } else t.runStep(data.batchAt(t.step));
    const atEnd = t.step >= h.steps;
    if (t.mustRead || atEnd) {
      const recs = await t.readMetrics();
      if (recs.length) lastScale = recs[recs.length - 1].logitScale;
      const now = performance.now();
      const sps = ((t.step - lastStep) * 1000) / Math.max(1, now - lastT);
      lastT = now;
      lastStep = t.step;
      cb.onSteps?.(recs, sps);
      for (const r of recs) {
        skippedInARow = r.skipped ? skippedInARow + 1 : 0;
        if (r.skipped) skippedTotal++;
      }
      if (skippedInARow >= maxSkippedInARow) {
        skippedInARow = 0;
        cb.onAutoPause?.(
          `paused: ${maxSkippedInARow} steps in a row had NaN/Inf gradients (skipped, weights unchanged; ${skippedTotal} skipped so far). Try a lower learning rate or stronger clipping, then resume.`,
        );
      }
      const crossed = (every: number) => every > 0 && Math.floor(t.step / every) > Math.floor((t.step - recs.length) / every);
      if (crossed(h.evalEvery) && !atEnd) await doEval();
      if (crossed(h.checkpointEvery)) await cb.onCheckpoint?.(t);
      await cb.afterRead?.(t);
      let c = cb.control?.() ?? 'run';
      while (c === 'pause') {
        await cb.waitWhilePaused?.();
        // Woken while still paused (e.g. a checkpoint was requested): serve it at this safe point.
        await cb.afterRead?.(t);
        c = cb.control?.() ?? 'run';
      }
      if (c === 'stop') return { trainer: t, stopped: true, final, wallMs: performance.now() - t0 };
    }
  }
  await doEval();
  return { trainer: t, stopped: false, final, wallMs: performance.now() - t0 };
}
