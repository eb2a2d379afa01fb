// The experiment as a URL hash and a JSON file (import / export), and the app's boot: apply the hash,
// start the worker, restore the last session, keep the hash in sync.
import { type Experiment, parseExperiment, serializeExperiment } from './experiment';
import { checkpointRun, loseDevice } from './actions';
import { startSessionPersistence } from './session';
import { useStore } from './store';
import { send, startWorker } from './transport';

const st = () => useStore.getState();

/** The experiment as saved: settings plus the runs (preset, seed) in queue order. */
export function currentExperiment(): Experiment {
  const s = st();
  return { ...s.experiment, runs: s.order.map((id) => ({ preset: s.runs[id].preset, seed: s.runs[id].seed })) };
}

/**
 * Validate and apply an experiment (hash or file). On error the state is unchanged and the message
 * is shown. Planned runs are replaced by the imported ones; the worker restarts if the dataset changed.
 */
export function importExperiment(text: string, source: string): boolean {
  const r = parseExperiment(text, st().experiment);
  if (!r.ok) {
    st().setImportError(`${source} rejected: ${r.error}`);
    return false;
  }
  const s = st();
  for (const id of s.order) if (s.runs[id].status === 'planned') s.removeRun(id);
  useStore.setState({ experiment: { ...r.value, runs: [] }, importError: null });
  st().addRuns(r.value.runs);
  const active = st().activeDataset;
  if (active && JSON.stringify(active) !== JSON.stringify(r.value.dataset)) startWorker(r.value.dataset);
  return true;
}

export const experimentJson = () => JSON.stringify(currentExperiment(), null, 2);

function readHash(): string | null {
  const h = location.hash.slice(1);
  if (!h) return null;
  try {
    return decodeURIComponent(h);
  } catch {
    return h;
  }
}

/** Apply the URL hash (if any), start the worker and keep the hash in sync with the experiment. */
export function boot() {
  // Test hook (also handy to see recovery work by hand in the console).
  (window as unknown as { __sharelab?: object }).__sharelab = {
    loseDevice,
    simulateQuota: (bytes: number | null) => send({ type: 'debug-quota', bytes }),
    /** For tests: each run's training-loss curve by label. */
    losses: () => Object.fromEntries(st().order.map((id) => [st().runs[id].label, st().runs[id].steps.map((r) => [r.step, r.loss])])),
  };
  const h = readHash();
  if (h) importExperiment(h, 'URL hash');
  startWorker(st().experiment.dataset);
  void startSessionPersistence(send);
  let last = '';
  let timer = 0;
  const write = () => {
    timer = 0;
    const json = serializeExperiment(currentExperiment());
    if (json === last) return;
    last = json;
    history.replaceState(null, '', `#${encodeURIComponent(json)}`);
  };
  useStore.subscribe((s, prev) => {
    if (s.experiment !== prev.experiment || s.order !== prev.order) {
      if (!timer) timer = window.setTimeout(write, 200);
    }
  });
  if (!st().importError) write();
  // Hidden tab (switching away, closing): checkpoint every running run so at most one interval is lost.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'hidden') return;
    for (const [id, r] of Object.entries(st().runs)) if (r.status === 'running') checkpointRun(id, false);
  });
  window.addEventListener('hashchange', () => {
    const t = readHash();
    if (t && t !== serializeExperiment(currentExperiment())) importExperiment(t, 'URL hash');
  });
}
