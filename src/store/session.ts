// Reload survival on the UI side: restore the saved run list at boot, keep saving it (debounced and
// when the tab is hidden), resume interrupted runs from their stored checkpoints, and re-attach
// finished runs' models so retrieval and zero-shot work on them again.
import type { ToWorker } from '../worker/protocol';
import { loadSession, restoreSession, saveSession } from './persist';
import type { RunInfo } from './runsSlice';
import { useStore } from './store';

const st = () => useStore.getState();
let send: (m: ToWorker) => void = () => {};
const attached = new Set<string>();
let restored = false;

/** What is saved of a run: everything, minus bytes of an opened file (its checkpoint is in IndexedDB). */
function persistable(r: RunInfo): RunInfo {
  const { model: _held, ...kept } = r; // whether this page's worker holds the model is not saved
  if (kept.request?.from?.kind !== 'file') return kept;
  return { ...kept, request: { ...kept.request, from: { kind: 'stored' } } };
}

async function save() {
  const s = st();
  const runs = Object.fromEntries(s.order.map((id) => [id, persistable(s.runs[id])]));
  try {
    await saveSession({ runs, order: s.order, nextRun: s.nextRun, picks: s.picks });
  } catch (e) {
    s.pushMessage(`Could not save the session in browser storage (${e instanceof Error ? e.message : String(e)}): runs will not survive a reload; download checkpoints to keep them.`);
  }
}

/** Finished runs restored from storage get their model back (from the stored checkpoint) for retrieval / zero-shot. */
export function attachRestored() {
  if (!restored || !st().dataset) return;
  for (const id of st().order) {
    const r = st().runs[id];
    if (attached.has(id) || !r.request || r.interrupted || (r.status !== 'done' && r.status !== 'stopped') || r.checkpointStep === undefined) continue;
    attached.add(id);
    st().patchRun(id, { model: 'attaching' });
    send({ type: 'attach', run: { ...r.request, from: { kind: 'stored' } } });
  }
}

/** Resume a run interrupted by a reload: its curve restarts from the checkpoint's saved history. */
export function resumeInterrupted(id: string) {
  const r = st().runs[id];
  if (!r?.request) return;
  const upTo = r.checkpointStep ?? 0;
  st().patchRun(id, { status: 'queued', interrupted: false, steps: [], evals: r.evals.filter((e) => e.step <= upTo), message: undefined });
  attached.add(id);
  send({ type: 'enqueue', run: { ...r.request, from: { kind: 'stored' } } });
}

/** Restore the last session (if any), then keep it saved. Planned runs from a shared URL are kept. */
export async function startSessionPersistence(sender: (m: ToWorker) => void) {
  send = sender;
  let saved: unknown;
  try {
    saved = await loadSession();
  } catch (e) {
    st().pushMessage(`Could not read the previous session from browser storage: ${e instanceof Error ? e.message : String(e)}`);
  }
  const r = restoreSession(saved);
  // Runs already sent to the worker (a very fast click on Train) win over the saved list.
  const started = st().order.some((id) => st().runs[id].status !== 'planned');
  if (r?.order.length && started) st().pushMessage('A saved session was found but runs had already started; it was not restored.');
  else if (r?.order.length) {
    const s = st();
    const planned = s.order.map((id) => s.runs[id]).filter((x) => x.status === 'planned');
    const key = (x: { preset: string; seed: number }) => `${x.preset}|${x.seed}`;
    const same = planned.length === r.order.length && planned.every((x, i) => key(x) === key(r.runs[r.order[i]]));
    s.restoreRuns(r);
    useStore.setState({ picks: { ...r.picks, ...s.picks } });
    if (!same && planned.length) st().addRuns(planned.map((x) => ({ preset: x.preset, seed: x.seed })));
    const n = r.order.length;
    const interrupted = r.order.filter((id) => r.runs[id].interrupted).length;
    st().pushMessage(`Restored ${n} run${n === 1 ? '' : 's'} from your last session${interrupted ? ` (${interrupted} interrupted — press Resume to continue from the last checkpoint)` : ''}.`);
  }
  restored = true;
  attachRestored();
  let timer = 0;
  useStore.subscribe((s, prev) => {
    if (s.runs === prev.runs && s.order === prev.order && s.picks === prev.picks) return;
    if (!timer) timer = window.setTimeout(() => {
      timer = 0;
      void save();
    }, 1000);
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') void save();
  });
  window.addEventListener('pagehide', () => void save());
}
