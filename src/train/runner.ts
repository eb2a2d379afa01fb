// The training loop of one run, independent of how it is hosted (Web Worker, headless runner,
// tests): steps are submitted back to back; every `logEvery` steps the metric history is read
// (the only regular readback), every `evalEvery` steps validation metrics are computed. Pause and
// stop are honoured between steps. With keepBest the run ends on the weights of its best validation
// loss; with earlyStop it ends after that many evaluations without a better one; either way a note flags
// validation loss rising while training loss falls (src/train/best.ts).
import { withMemoryScope } from '../gpu/memory';
import type { Gpu } from '../gpu/runtime';
import type { ClipConfig } from '../model/config';
import type { TrainData } from '../data/types';
import { BestKeeper, type EvalPoint, overfitNote } from './best';
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
  /** The run's overfitting note (best.ts), once, when it first applies; null-free. */
  onNote?(note: string): void;
  /** A new best validation loss (keepBest: its weights are now the ones the run will end with). */
  onBest?(best: { step: number; valLoss: number }): void;
  /**
   * Around the run's first step of this call (a fresh start or a resume): the host's kernel autotuner
   * records the shapes the step dispatches (before) and tunes / applies its table (after; the worker's
   * src/worker/tuning.ts). Not called by tests that want the fixed kernel rule.
   */
  beforeFirstStep?(trainer: Trainer): Promise<void>;
  afterFirstStep?(trainer: Trainer): Promise<void>;
}

export interface RunResult {
  trainer: Trainer;
  stopped: boolean;
  final?: EvalMetrics;
  wallMs: number;
  /** The best evaluation (keepBest: `final` is the re-evaluation of its restored weights). */
  best?: { step: number; valLoss: number };
  /** Ended by early stopping at trainer.step (< hyper.steps). */
  stoppedEarly?: boolean;
  note?: string;
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

  const keeper = new BestKeeper();
  const points: EvalPoint[] = [];
  let trainSum = 0;
  let trainCount = 0;
  let note: string | undefined;
  const doEval = async () => {
    const r = await evaluate(t, data.val, lastScale);
    final = r.metrics;
    cb.onEval?.(r.metrics, r.emb);
    points.push({ step: t.step, valLoss: r.metrics.valLoss, trainLoss: trainCount ? trainSum / trainCount : Number.NaN });
    trainSum = trainCount = 0;
    if (!note) {
      note = overfitNote(points) ?? undefined;
      if (note) cb.onNote?.(note);
    }
    if (keeper.observe(t.step, r.metrics.valLoss)) {
      if (h.keepBest) t.snapshotBest();
      cb.onBest?.(keeper.best!);
    }
  };
  /** The end of the run; early stopping comes right after an evaluation of these weights. */
  const finish = async (stoppedEarly: boolean): Promise<RunResult> => {
    if (!stoppedEarly) await doEval();
    // keepBest: end on the best weights, re-evaluated so `final` (and the run's results) describe them.
    if (h.keepBest && keeper.best && keeper.best.step !== t.step && t.restoreBest()) {
      const r = await evaluate(t, data.val, lastScale);
      final = r.metrics;
      cb.onEval?.({ ...r.metrics, step: t.step }, r.emb);
    }
    return { trainer: t, stopped: false, final, wallMs: performance.now() - t0, best: keeper.best ?? undefined, stoppedEarly, note };
  };

  let scoped = false;
  while (t.step < h.steps) {
    if (!scoped) {
      // The first step allocates every activation buffer: scope it so an out-of-memory failure
      // becomes one clear error (and the trainer's buffers are freed) instead of an uncaptured one.
      scoped = true;
      try {
        await cb.beforeFirstStep?.(t);
        await withMemoryScope(gpu.device, () => t.runStep(data.batchAt(t.step)), { batchSize: h.batchSize, params: t.arena.layout.totalElements });
        const tuneStart = performance.now();
        await cb.afterFirstStep?.(t);
        lastT += performance.now() - tuneStart; // steps/s counts steps, not the autotuner's timing
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
        if (!r.skipped && Number.isFinite(r.loss)) {
          trainSum += r.loss;
          trainCount++;
        }
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
      if (crossed(h.evalEvery) && !atEnd) {
        await doEval();
        if (keeper.shouldStop(h.earlyStop)) return finish(true);
      }
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
  return finish(false);
}
