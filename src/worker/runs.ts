// The run queue: runs train one after another (pump), each from a fresh init or a checkpoint, through
// device losses, with pause / resume / stop / delete served at the trainer's safe points. A finished
// run keeps its trainer and last embeddings so retrieval and zero-shot can ask it (model-ready).
import { buildLayout, paramCounts } from '../model/params';
import { toHistoryRow } from '../train/resume';
import type { Trainer } from '../train/trainer';
import type { RunRequest } from '../train/types';
import { textMismatch } from './protocol';
import { checkpoint, deleteCheckpoint, startFromCheckpoint } from './checkpoints';
import { trainWithRecovery } from './device';
import { evaluateEvalSets } from './eval-sets';
import { attention, snapshot } from './exploration';
import { type RunState, W, errorText, post, prepOf } from './state';
import { ensureTeacher, teacherStart, verifyFrozen } from './teacher';
import { tuningHooks } from './tuning';
import { DEFAULT_AUGMENT } from '../data/augment';

/** Queue a run to train; attachOnly: only load a finished run's model (after a reload), no training. */
export function enqueue(run: RunRequest, attachOnly = false) {
  if (attachOnly && W.runs.has(run.id)) return;
  W.runs.set(run.id, { req: run, control: 'run', ...(attachOnly ? { attachOnly } : {}) });
  W.queue.push(run.id);
  if (!attachOnly) post({ type: 'status', id: run.id, status: 'queued' });
  void pump();
}

export function setControl(id: string, control: 'pause' | 'run') {
  const st = W.runs.get(id);
  if (!st) return;
  st.control = control;
  if (control === 'run') st.wake?.();
  post({ type: 'status', id, status: control === 'pause' ? 'paused' : 'running' });
}

/** Stop a run (it ends at its next safe point, or leaves the queue); delete also frees its model and checkpoint. */
export function stopRun(id: string, remove: boolean) {
  const st = W.runs.get(id);
  const qi = W.queue.indexOf(id);
  if (qi >= 0) W.queue.splice(qi, 1);
  if (!st) return;
  st.control = 'stop';
  st.wake?.();
  if (remove) {
    st.trainer?.destroy();
    W.runs.delete(id);
    void deleteCheckpoint(id).catch(() => undefined);
  } else if (qi >= 0) post({ type: 'status', id, status: 'stopped' });
}

/** Load a finished run's model from its stored checkpoint and evaluate it once (embeddings only). */
async function attach(id: string, first: Trainer | undefined, st: RunState) {
  if (!first) throw new Error('nothing to attach');
  const runPrep = prepOf(st);
  if (!runPrep) throw new Error('no dataset yet');
  // Embeddings for retrieval / zero-shot only: the run's results are already in the UI.
  const { evaluate } = await import('../train/evaluate');
  const r = await evaluate(first, runPrep.val, Math.exp(first.model.init[first.arena.layout.get('logit_scale').offset]));
  st.emb = r.emb;
  st.trainer = first;
  // The evaluation sets too (their snapshots are posted again): retrieval and the embedding map can show them after a reload.
  await evaluateEvalSets(id, st, first, runPrep, r.metrics.logitScale);
  post({ type: 'model-ready', id });
}

async function train(id: string, st: RunState, cfg: RunRequest['config'], start: Trainer | undefined) {
  const gpu = W.gpu;
  const runPrep = prepOf(st);
  if (!gpu || !runPrep) throw new Error('no GPU or dataset yet');
  let first = start;
  const { req } = st;
  post({ type: 'status', id, status: 'running', params: paramCounts(buildLayout(cfg)) });
  // Augmentation is seeded by the run's seed (src/data/augment.ts): the same run sees the same batches.
  const data = runPrep.makeData(req.seed, req.hyper.batchSize, req.hyper.augment ? DEFAULT_AUGMENT : null);
  let kernels: object | null = null;
  if (cfg.teacher && !first) {
    // A teacher run is also evaluated at step 0: its retrieval is compared with the untrained start.
    const s0 = await teacherStart(gpu, cfg, req.hyper, req.seed, runPrep.val);
    first = s0.trainer;
    st.emb = s0.emb;
    post({ type: 'eval', id, snapshot: snapshot(s0.metrics, s0.emb, runPrep) });
  }
  const res = await trainWithRecovery(
    st,
    cfg,
    data,
    {
      onSteps: (records, stepsPerSec) => {
        st.history?.push(...records.map(toHistoryRow));
        post({ type: 'steps', id, records, stepsPerSec });
      },
      onEval: (metrics, emb) => {
        st.emb = emb;
        post({ type: 'eval', id, snapshot: snapshot(metrics, emb, runPrep) });
      },
      control: () => st.control,
      onCheckpoint: (t) => checkpoint(st, t, 'store'),
      onStart: (t) => {
        st.live = t;
      },
      afterRead: async (t) => {
        const w = st.want;
        st.want = undefined;
        if (w) await checkpoint(st, t, w);
      },
      waitWhilePaused: () =>
        new Promise<void>((r) => {
          st.wake = r;
        }),
      onAutoPause: (message) => {
        st.control = 'pause';
        post({ type: 'status', id, status: 'paused', message });
      },
      onNote: (note) => post({ type: 'run-note', id, note }),
      onBest: (best) => post({ type: 'best', id, ...best }),
      ...tuningHooks({
        onLine: (line) => post({ type: 'kernels', id, line }),
        onTable: (table) => {
          kernels = table;
          post({ type: 'kernels', id, table });
        },
      }),
    },
    first,
  );
  st.trainer?.destroy();
  st.trainer = res.trainer;
  st.live = undefined;
  await checkpoint(st, res.trainer, 'store', true);
  // The final weights (what `final` describes) on every evaluation set, posted before 'done'.
  const logitScale = res.final?.logitScale ?? Math.exp((await res.trainer.readParams())[res.trainer.arena.layout.get('logit_scale').offset]);
  const evalSets = await evaluateEvalSets(id, st, res.trainer, runPrep, logitScale);
  if (!cfg.teacher) await attention(id, res.trainer, runPrep); // no text tower to probe in teacher mode
  else {
    const frozen = await verifyFrozen(id, res.trainer);
    if (frozen) post(frozen);
  }
  post({ type: 'status', id, status: res.stopped ? 'stopped' : 'done' });
  post({ type: 'done', id, final: res.final ?? null, wallMs: res.wallMs, best: res.best, stoppedEarly: res.stoppedEarly, note: res.note, kernels, ...(evalSets ? { evalSets } : {}) });
  if (st.emb) post({ type: 'model-ready', id });
}

/** Take the next queued run (one at a time) once the GPU and the dataset are there. */
export async function pump() {
  const { gpu, prep } = W;
  if (W.busy || !gpu || !prep) return;
  const id = W.queue.shift();
  if (!id) return;
  const st = W.runs.get(id);
  if (!st) return void pump();
  W.busy = true;
  const { req } = st;
  try {
    // The request's config is trained as asked: a text tower that does not fit the dataset is refused.
    let cfg = req.config;
    let first: Trainer | undefined;
    st.history = [];
    // Teacher runs: their frozen table must be loaded (from browser storage after a reload) before a Trainer is built.
    await ensureTeacher(req.config, W.set);
    if (req.from) {
      // A checkpoint's config wins over the request's (RunRequest.from).
      const start = await startFromCheckpoint(st, req.from);
      if (start.trainer) {
        cfg = start.trainer.cfg;
        first = start.trainer;
      }
    }
    const mismatch = first ? null : textMismatch(cfg, { vocabSize: prep.tokenizer.vocabSize, contextLength: prep.contextLength });
    if (mismatch) throw new Error(`not trained: ${mismatch}`);
    if (st.attachOnly) await attach(id, first, st);
    else await train(id, st, cfg, first);
  } catch (e) {
    const message = errorText(e);
    // A failed attach leaves the finished run as it is; only its retrieval is unavailable.
    if (st.attachOnly) post({ type: 'error', id, message: `could not reload the model for retrieval: ${message}` });
    else post({ type: 'status', id, status: 'error', message });
  } finally {
    W.busy = false;
    void pump();
  }
}
