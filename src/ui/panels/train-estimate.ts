// The line next to Train (issue 19.7): how long the runs a click trains will take on this adapter,
// from the step rates measured by runs in this session (src/train/estimate.ts: a measured model's own
// rate, another model's rate scaled by FLOPs). Nothing measured yet: says so instead of inventing a rate.
import type { ClipConfig } from '../../model/config';
import type { RunInfo } from '../../store/runsSlice';
import { type QueuedRun, type StepMeasure, estimateQueue, modelKey } from '../../train/estimate';
import type { TrainHyper } from '../../train/hyper';

/** Step-time measures of the runs that have timed steps (stepsPerSec of their last read; 0 = replayed history). */
export function measuresOf(runs: readonly RunInfo[]): StepMeasure[] {
  return runs.flatMap((r) =>
    r.request && r.stepsPerSec > 0
      ? [{ key: modelKey(r.request.config, r.request.hyper.batchSize), config: r.request.config, batchSize: r.request.hyper.batchSize, msPerStep: 1000 / r.stepsPerSec }]
      : [],
  );
}

const fmt = (ms: number) => (ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.max(1, Math.round(ms / 1000))} s`);

/** "≈ N min for M runs on <adapter>", or why there is no estimate yet. */
export function estimateLine(configs: readonly ClipConfig[], hyper: TrainHyper, runs: readonly RunInfo[], adapter: string): string {
  if (!configs.length) return '';
  const measured = measuresOf(runs);
  if (!measured.length) return 'time estimate after the first measured step';
  const queue: QueuedRun[] = configs.map((config) => ({ config, batchSize: hyper.batchSize, steps: hyper.steps, evalEvery: hyper.evalEvery }));
  const est = estimateQueue(queue, measured);
  const scaled = est.runs.some((r) => r.source === 'scaled') ? ' (scaled by FLOPs from the models timed so far)' : '';
  return `≈ ${fmt(est.totalMs)} for ${configs.length} run${configs.length === 1 ? '' : 's'} on ${adapter}${scaled}`;
}
