// Which run each picker (retrieval, zero-shot, attention) shows, and the configurations Compare A vs B
// shows. Pure: the panels pass the store's runs and the user's last choice; the choice is saved with
// the session, so after a reload every picker shows the run it showed before, once that run can answer.
// A picker never defaults to a run that cannot answer: an interrupted, never-evaluated or still-loading
// run is not offered (asking it would only return "needs a run that has been evaluated").
import type { RunInfo } from './runsSlice';

/** The pickers whose choice survives a reload. */
export type Picker = 'retrieval' | 'zeroShot' | 'attention' | 'compareA' | 'compareB' | 'retrievalSet' | 'mapSet';
export type Picks = Partial<Record<Picker, string>>;
export const PICKERS: readonly Picker[] = ['retrieval', 'zeroShot', 'attention', 'compareA', 'compareB', 'retrievalSet', 'mapSet'];

/**
 * The evaluation set a view shows (retrieval explorer: 'retrievalSet', embedding map: 'mapSet'): the saved
 * choice when it is still offered, else null = the run's own validation split. `offered`: the sets the view
 * can show now (loaded without error and answered by the run).
 */
export function pickSet(offered: readonly string[], chosen: string | undefined): string | null {
  return chosen && offered.includes(chosen) ? chosen : null;
}

/**
 * What a picker needs of a run: 'model' — the worker holds its trained model and the embeddings of its
 * final evaluation (retrieval, zero-shot); 'attention' — its end-of-run probe (attention maps, CKA).
 */
export type Need = 'model' | 'attention';

/** True when a finished run can answer the picker's question right now. */
export function canAnswer(r: RunInfo, need: Need): boolean {
  const finished = (r.status === 'done' || r.status === 'stopped') && !r.interrupted;
  if (need === 'attention') return finished && !!r.attention;
  return finished && !!r.snapshot && r.model === 'ready';
}

export interface Picked {
  /** The run shown: the saved choice when it can answer, else the first (queue order) that can. */
  run: RunInfo | undefined;
  /** Every run that can answer, in queue order (the picker's options). */
  options: RunInfo[];
  /** Finished runs whose model is still being reloaded from storage (after a reload): offered once loaded. */
  loading: RunInfo[];
}

export function pickRun(runs: Record<string, RunInfo>, order: readonly string[], need: Need, chosen: string | undefined): Picked {
  const list = order.map((id) => runs[id]).filter((r): r is RunInfo => !!r);
  const options = list.filter((r) => canAnswer(r, need));
  const loading = need === 'model' ? list.filter((r) => r.model === 'attaching' && !options.includes(r)) : [];
  return { run: options.find((r) => r.id === chosen) ?? options[0], options, loading };
}

/** Compare A vs B: the saved pair when both configurations still have finished runs, else the first two. */
export function pickPair(configs: readonly string[], a: string | undefined, b: string | undefined): [string | undefined, string | undefined] {
  const A = a && configs.includes(a) ? a : configs[0];
  const B = b && configs.includes(b) && b !== A ? b : configs.find((c) => c !== A);
  return [A, B];
}

/** Saved picks read back from storage: only string entries of known pickers (damaged entries are dropped). */
export function restorePicks(p: unknown): Picks {
  const out: Picks = {};
  if (!p || typeof p !== 'object') return out;
  for (const k of PICKERS) {
    const v = (p as Record<string, unknown>)[k];
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}
