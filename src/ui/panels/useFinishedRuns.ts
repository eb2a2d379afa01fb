// Finished runs (with a final evaluation) in queue order, in the shape the statistics take. Stable
// between renders until a run finishes or is removed, so the bootstrap is not recomputed while
// other runs stream metrics.
import { useRef } from 'react';
import type { FinishedRun } from '../../analysis/config-table';
import type { RunInfo } from '../../store/runsSlice';
import type { FinalLike } from '../../analysis/summary';
import { useStore } from '../../store/store';
import { selectRuns, useThrottled } from '../charts/useThrottled';

/** A finished run with its evaluation-set metrics (by set name). */
export type FinishedWithSets = FinishedRun & { evalSets?: Record<string, FinalLike> };

/**
 * The runs as the statistics see them on one evaluation set: `final` = the set's metrics (null for a run not
 * evaluated on it), so summarizeRuns / compareConfigs work on it unchanged. Loss and wall time are the run's own.
 */
export function onEvalSet<T extends FinishedWithSets>(runs: T[], set: string | null): T[] {
  return set === null ? runs : runs.map((r) => ({ ...r, final: r.evalSets?.[set] ?? null }));
}

export function toFinished(r: RunInfo): FinishedWithSets {
  const last = r.steps[r.steps.length - 1];
  return {
    id: r.id,
    preset: r.preset,
    seed: r.seed,
    final: r.final,
    params: r.params,
    config: r.request?.config,
    hyper: r.request?.hyper as unknown as Record<string, unknown> | undefined,
    trainLoss: last?.loss,
    wallSeconds: r.wallMs === undefined ? undefined : r.wallMs / 1000,
    ...(r.evalSets ? { evalSets: r.evalSets } : {}),
  };
}

export function useFinishedRuns(): FinishedWithSets[] {
  const runs = useThrottled(selectRuns);
  const order = useStore((s) => s.order);
  const list = order.map((id) => runs[id]).filter((r): r is RunInfo => !!r?.final);
  const sig = list.map((r) => `${r.id}:${r.final?.step}:${r.wallMs}:${Object.keys(r.evalSets ?? {}).join(',')}`).join('|');
  const cache = useRef<{ sig: string; value: FinishedWithSets[] }>({ sig: '', value: [] });
  if (cache.current.sig !== sig) cache.current = { sig, value: list.map(toFinished) };
  return cache.current.value;
}
