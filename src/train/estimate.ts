// How long the queued runs will take on this adapter, before pressing Train: from a short measured step per
// distinct model (config + batch size), or — for a model not measured — the FLOPs of its step (model/sizes.ts)
// at the rate of the measured models, plus the evaluations. Pure; the worker measures, the UI shows.
import type { ClipConfig } from '../model/config';
import { trainFlopsPerStep } from '../model/sizes';

export interface QueuedRun {
  config: ClipConfig;
  batchSize: number;
  steps: number;
  /** Steps already done (a resumed run). */
  done?: number;
  evalEvery: number;
}

export interface StepMeasure {
  /** modelKey(config, batchSize) of the measured model. */
  key: string;
  config: ClipConfig;
  batchSize: number;
  /** Median wall time of a training step (after warm-up steps, pipelines compiled). */
  msPerStep: number;
  /** Wall time of one evaluation of the validation split (0 when not measured). */
  msPerEval?: number;
}

export interface RunEstimate {
  key: string;
  ms: number;
  /** measured: this model's own step; scaled: another model's rate × this one's FLOPs; unknown: nothing measured. */
  source: 'measured' | 'scaled' | 'unknown';
}

export interface QueueEstimate {
  totalMs: number;
  runs: RunEstimate[];
  /** Distinct models to measure for a better estimate (not measured yet). */
  toMeasure: string[];
}

/** The identity of a step's cost: the model and the batch size (the seed and the sharing values do not change it… much). */
export const modelKey = (config: ClipConfig, batchSize: number) => JSON.stringify([config, batchSize]);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export function estimateQueue(queue: readonly QueuedRun[], measured: readonly StepMeasure[]): QueueEstimate {
  const byKey = new Map(measured.filter((m) => m.msPerStep > 0).map((m) => [m.key, m]));
  // FLOPs per ms of every measured model; their median scales the unmeasured ones.
  const rates = [...byKey.values()].map((m) => trainFlopsPerStep(m.config, m.batchSize) / m.msPerStep);
  const rate = rates.length ? median(rates) : 0;
  const evalShare = [...byKey.values()].filter((m) => (m.msPerEval ?? 0) > 0).map((m) => (m.msPerEval ?? 0) / m.msPerStep);
  const evalSteps = evalShare.length ? median(evalShare) : 0; // an evaluation, in steps of the same model
  const toMeasure = new Set<string>();
  const runs = queue.map((r): RunEstimate => {
    const key = modelKey(r.config, r.batchSize);
    const left = Math.max(0, r.steps - (r.done ?? 0));
    const evals = (r.evalEvery > 0 ? Math.floor(r.steps / r.evalEvery) - Math.floor((r.done ?? 0) / r.evalEvery) : 0) + (left > 0 ? 1 : 0);
    const m = byKey.get(key);
    if (m) return { key, ms: left * m.msPerStep + evals * (m.msPerEval ?? evalSteps * m.msPerStep), source: 'measured' };
    toMeasure.add(key);
    if (!rate) return { key, ms: 0, source: 'unknown' };
    const step = trainFlopsPerStep(r.config, r.batchSize) / rate;
    return { key, ms: left * step + evals * evalSteps * step, source: 'scaled' };
  });
  return { totalMs: runs.reduce((s, r) => s + r.ms, 0), runs, toMeasure: [...toMeasure] };
}
