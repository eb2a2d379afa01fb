// Finished runs (with a final evaluation) in queue order, in the shape the statistics take. Stable
// between renders until a run finishes or is removed, so the bootstrap is not recomputed while
// other runs stream metrics.
import { useRef } from 'react';
import type { FinishedRun } from '../../analysis/config-table';
import type { RunInfo } from '../../store/runsSlice';
import { useStore } from '../../store/store';
import { selectRuns, useThrottled } from '../charts/useThrottled';

export function toFinished(r: RunInfo): FinishedRun {
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

export function useFinishedRuns(): FinishedRun[] {
  const runs = useThrottled(selectRuns);
  const order = useStore((s) => s.order);
  const list = order.map((id) => runs[id]).filter((r): r is RunInfo => !!r?.final);
  const sig = list.map((r) => `${r.id}:${r.final?.step}:${r.wallMs}:${Object.keys(r.evalSets ?? {}).join(',')}`).join('|');
  const cache = useRef<{ sig: string; value: FinishedRun[] }>({ sig: '', value: [] });
  if (cache.current.sig !== sig) cache.current = { sig, value: list.map(toFinished) };
  return cache.current.value;
}
