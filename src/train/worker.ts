/// <reference lib="webworker" />
// The training worker: owns the GPU device, the dataset and the run queue. Runs train one after
// another; the UI thread only sends commands and draws what comes back.
import { pca2, project2 } from '../analysis/pca';
import { similarity } from '../analysis/embeddings';
import { topK } from '../analysis/retrieval';
import { builtinSet, prepare, type Prepared } from '../data/prepare';
import { WebGpuUnavailable, acquireDevice, watchDevice } from '../gpu/device';
import { Gpu } from '../gpu/runtime';
import { buildLayout, paramCounts } from '../model/params';
import type { EvalEmbeddings, EvalMetrics } from './evaluate';
import type { DatasetInfo, DatasetSpec, EvalSnapshot, FromWorker, RunRequest, ToWorker } from './protocol';
import { type RunCallbacks, type RunResult, type TrainData, runTraining } from './runner';
import { deleteCheckpoint, isQuotaError, loadCheckpoint, saveWithPruning, simulateQuota } from './checkpoint-store';
import { probeAttention } from './probe';
import { uploadDataset } from '../data/ingest/uploadSet';
import { runZeroShot, taskInfo, zeroShotTasks } from './zeroshot-query';
import type { Trainer } from './trainer';
import type { HistoryRow } from './checkpoint';
import { fromHistoryRow, inspectCheckpoint, toHistoryRow } from './resume';
import type { ImageCaptionSet } from '../data/prepare';
import { exportRun } from '../export/worker-export';
import { embedQueryWithTeacher, ensureTeacher, onTeacherRequest, teacherStart, verifyFrozen } from '../teacher/worker-side';

const post = (m: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

interface RunState {
  req: RunRequest;
  /** The trainer while running (for checkpoints on request). */
  live?: Trainer;
  /** A checkpoint was requested while running: taken at the next safe point. */
  want?: { download: boolean };
  control: 'run' | 'pause' | 'stop';
  wake?: () => void;
  trainer?: Trainer;
  emb?: EvalEmbeddings;
  /** The run's own data view when it differs from the dataset's (a checkpoint with its own tokenizer). */
  prep?: Prepared;
  /** Every step record so far, saved in checkpoints so a resumed run shows its whole curve. */
  history?: HistoryRow[];
  /** Only load the model (a finished run restored after a reload), no training. */
  attachOnly?: boolean;
}

let gpu: Gpu | null = null;
let prep: Prepared | null = null;
let tasks: ReturnType<typeof zeroShotTasks> = [];
const contextLength = 16;
const runs = new Map<string, RunState>();
/** The loaded dataset (a checkpoint with its own tokenizer or image size re-prepares it). */
let currentSet: ImageCaptionSet | null = null;
let currentSpec: DatasetSpec | null = null;
/** The data a run sees: its own when it came from a checkpoint with another tokenizer, else the dataset's. */
const prepOf = (st: RunState | undefined): Prepared | null => st?.prep ?? prep;
const queue: string[] = [];
let busy = false;

function snapshot(metrics: EvalMetrics, emb: EvalEmbeddings, p: Prepared | null = prep): EvalSnapshot {
  const val = p?.val;
  const Ni = val?.Ni ?? 0;
  const D = emb.D;
  // First caption of each image → paired text embeddings.
  const paired = new Float32Array(Ni * D);
  const seen = new Set<number>();
  val?.captionImage.forEach((img, j) => {
    if (seen.has(img)) return;
    seen.add(img);
    paired.set(emb.txt.subarray(j * D, j * D + D), img * D);
  });
  const n = Math.min(16, Ni);
  const sim = similarity(emb.img, n, paired, n, D);
  const both = new Float32Array(2 * Ni * D);
  both.set(emb.img);
  both.set(paired, Ni * D);
  const basis = pca2(both, 2 * Ni, D);
  return {
    metrics,
    similarity: { n, values: sim },
    projection: { n: Ni, image: project2(emb.img, Ni, D, basis), text: project2(paired, Ni, D, basis), explained: basis.explained },
    embeddings: { D, image: emb.img, text: paired },
  };
}

/** True between a device loss and the re-acquisition of a new device. */
let deviceLost = false;
let lostReason = '';

/** Acquire a device and route its loss/errors to the UI; on loss, flag it so the run loop recovers. */
async function acquire(): Promise<boolean> {
  try {
    const { device, caps } = await acquireDevice();
    gpu = new Gpu(device, { caps });
    deviceLost = false;
    watchDevice(device, (problem) => {
      post({ type: 'gpu-problem', problem });
      if (problem.kind === 'lost') {
        deviceLost = true;
        lostReason = problem.message || problem.reason;
      }
    });
    post({ type: 'ready', adapter: caps.adapterDescription, features: [...caps.features] });
    return true;
  } catch (e) {
    if (e instanceof WebGpuUnavailable) post({ type: 'unsupported', reason: e.reason, message: e.message });
    else post({ type: 'error', message: `GPU initialisation failed: ${String(e)}` });
    return false;
  }
}

async function init(spec: DatasetSpec) {
  if (!(await acquire())) return;
  if (spec.kind === 'upload') {
    // An upload cached in IndexedDB by the upload worker (src/data/ingest): same prep, its own info.
    try {
      const u = await uploadDataset(spec, contextLength);
      [prep, currentSet, currentSpec, tasks] = [u.prep, u.set, spec, zeroShotTasks(u.set)];
      post({ type: 'dataset', info: { ...u.info, zeroShotTasks: taskInfo(tasks) } });
    } catch (e) {
      post({ type: 'dataset-error', message: e instanceof Error ? e.message : String(e) });
    }
    return;
  }
  const set = builtinSet({ seed: spec.seed, count: spec.count, valCount: spec.valCount, heldOutCount: spec.heldOutCount, size: spec.size });
  prep = prepare(set, contextLength, spec.vocabSize ?? 512);
  currentSet = set;
  currentSpec = spec;
  tasks = zeroShotTasks(set);
  const S = set.size;
  const rgba = new Uint8ClampedArray(set.valIndex.length * S * S * 4);
  set.valIndex.forEach((img, k) => {
    rgba.set(set.thumbnail(img), k * S * S * 4);
  });
  const lens = set.trainIndex.flatMap((i) => set.captions[i].map((c) => prep?.tokenizer.encode(c, 256).length ?? 0));
  const hist = new Array(Math.max(...lens) + 1).fill(0);
  for (const l of lens) hist[l]++;
  const info: DatasetInfo = {
    name: 'built-in shapes',
    train: set.trainIndex.length,
    val: set.valIndex.length,
    heldOut: set.source.split.valHeldOut.length,
    captionsPerImage: set.captions[0]?.length ?? 0,
    vocabSize: prep.tokenizer.vocabSize,
    contextLength,
    truncated: lens.filter((l) => l > contextLength).length, // training captions longer than the context (cut when batched)
    captionLengthHistogram: hist,
    size: S,
    valImages: {
      rgba,
      captions: set.valIndex.map((i) => set.captions[i]),
      heldOut: set.valIndex.map((i) => set.source.labelsOf(i).heldOut),
    },
    zeroShotTasks: taskInfo(tasks),
  };
  post({ type: 'dataset', info });
}

async function pump() {
  if (busy || !gpu || !prep) return;
  const id = queue.shift();
  if (!id) return;
  const st = runs.get(id);
  if (!st) return void pump();
  busy = true;
  const { req } = st;
  try {
    let cfg = { ...req.config, text: { ...req.config.text, vocabSize: prep.tokenizer.vocabSize, contextLength } };
    let first: Trainer | undefined;
    st.history = [];
    // Teacher runs: their frozen table must be loaded (from browser storage after a reload) before a Trainer is built.
    await ensureTeacher(req.config, currentSet);
    if (req.from) {
      const start = await startFromCheckpoint(st, req.from);
      if (start.trainer) {
        cfg = start.trainer.cfg;
        first = start.trainer;
      }
    }
    const runPrep = prepOf(st) ?? prep;
    if (st.attachOnly) {
      if (!first) throw new Error('nothing to attach');
      // Embeddings for retrieval / zero-shot only: the run's results are already in the UI.
      const { evaluate } = await import('./evaluate');
      st.emb = (await evaluate(first, runPrep.val, Math.exp(first.model.init[first.arena.layout.get('logit_scale').offset]))).emb;
      st.trainer = first;
      post({ type: 'model-ready', id });
      return;
    }
    post({ type: 'status', id, status: 'running', params: paramCounts(buildLayout(cfg)) });
    const data = runPrep.makeData(req.seed, req.hyper.batchSize);
    if (cfg.teacher && !first && gpu) {
      // A teacher run is also evaluated at step 0: its retrieval is compared with the untrained start.
      const s0 = await teacherStart(gpu, cfg, req.hyper, req.seed, runPrep.val);
      first = s0.trainer;
      st.emb = s0.emb;
      post({ type: 'eval', id, snapshot: snapshot(s0.metrics, s0.emb, runPrep) });
    }
    const res = await trainWithRecovery(st, cfg, data, {
      onSteps: (records, stepsPerSec) => {
        st.history?.push(...records.map(toHistoryRow));
        post({ type: 'steps', id, records, stepsPerSec });
      },
      onEval: (metrics, emb) => {
        st.emb = emb;
        post({ type: 'eval', id, snapshot: snapshot(metrics, emb, runPrep) });
      },
      control: () => st.control,
      onCheckpoint: (t) => checkpoint(st, t, false),
      onStart: (t) => {
        st.live = t;
      },
      afterRead: async (t) => {
        const w = st.want;
        st.want = undefined;
        if (w) await checkpoint(st, t, w.download);
      },
      waitWhilePaused: () => new Promise<void>((r) => {
        st.wake = r;
      }),
      onAutoPause: (message) => {
        st.control = 'pause';
        post({ type: 'status', id, status: 'paused', message });
      },
    }, first);
    st.trainer?.destroy();
    st.trainer = res.trainer;
    st.live = undefined;
    await checkpoint(st, res.trainer, false, true);
    if (!cfg.teacher) await attention(id, res.trainer, runPrep); // no text tower to probe in teacher mode
    else {
      const frozen = await verifyFrozen(id, res.trainer);
      if (frozen) post(frozen);
    }
    post({ type: 'status', id, status: res.stopped ? 'stopped' : 'done' });
    post({ type: 'done', id, final: res.final ?? null, wallMs: res.wallMs });
    if (st.emb) post({ type: 'model-ready', id });
  } catch (e) {
    const message = String(e instanceof Error ? e.message : e);
    // A failed attach leaves the finished run as it is; only its retrieval is unavailable.
    if (st.attachOnly) post({ type: 'error', id, message: `could not reload the model for retrieval: ${message}` });
    else post({ type: 'status', id, status: 'error', message });
  } finally {
    busy = false;
    void pump();
  }
}

/**
 * Run training; if the GPU device is lost mid-run (driver reset, out of memory, destroy()), acquire a
 * new device, restore the run's last checkpoint from IndexedDB (or restart it if none was saved yet)
 * and continue — at most one checkpoint interval of steps is recomputed. Gives up after 3 losses.
 */
async function trainWithRecovery(st: RunState, cfg: RunRequest['config'], data: TrainData, cb: RunCallbacks, first?: Trainer): Promise<RunResult> {
  const { id } = st.req;
  for (let attempt = 0; ; attempt++) {
    let trainer: Trainer | undefined = attempt === 0 ? first : undefined;
    if (attempt > 0) {
      if (!(await acquire()) || !gpu) throw new Error('the GPU device was lost and no new device could be acquired');
      const saved = await loadCheckpoint(id).catch(() => undefined);
      const { Trainer: T } = await import('./trainer');
      trainer = new T(gpu, cfg, st.req.hyper, st.req.seed);
      let from = 0;
      if (saved) {
        trainer.loadCheckpoint(saved.bytes);
        from = saved.step;
      } else if (st.req.from?.kind === 'file') {
        // Not yet checkpointed since it was opened: back to the opened file, not to a fresh init.
        from = trainer.loadCheckpoint(st.req.from.bytes).step;
      }
      st.history = st.history?.filter((r) => r[0] <= from);
      post({ type: 'rewind', id, step: from });
      post({
        type: 'status',
        id,
        status: 'running',
        message: `GPU device lost (${lostReason || 'unknown reason'}; often out of memory or a driver reset) — resumed from ${from > 0 ? `the checkpoint at step ${from}` : 'the start (no checkpoint yet)'}`,
      });
    }
    if (!gpu) throw new Error('no GPU');
    try {
      return await runTraining(gpu, { id, config: cfg, hyper: st.req.hyper, seed: st.req.seed }, data, cb, trainer);
    } catch (e) {
      // A lost device shows up as failed mapAsync / submits; wait a moment for the lost promise.
      await new Promise((r) => setTimeout(r, 50));
      if (!deviceLost || attempt >= 3) throw e;
      st.live = undefined;
    }
  }
}

/** Attention maps, transfer score and CKA of a trained model (a probe forward on fixed val pairs). */
async function attention(id: string, t: Trainer, p: Prepared | null = prep) {
  if (!p) return;
  try {
    post({ type: 'attention', id, payload: await probeAttention(t, p) });
  } catch (e) {
    post({ type: 'error', id, message: `attention analysis failed: ${String(e instanceof Error ? e.message : e)}` });
  }
}

/** Save the run's checkpoint to IndexedDB (and post the bytes when asked to download). */
async function checkpoint(st: RunState, t: Trainer, download: boolean, final = false) {
  if (!prep) return;
  const id = st.req.id;
  let bytes: Uint8Array;
  try {
    bytes = await t.saveCheckpoint((prepOf(st) ?? prep).tokenizer.toJSON(), st.req.seed, st.history);
  } catch (e) {
    post({ type: 'checkpoint', id, step: t.step, stored: false, message: `checkpoint failed: ${String(e)}` });
    return;
  }
  let stored = true;
  let message: string | undefined;
  try {
    const { pruned } = await saveWithPruning({ runId: id, step: t.step, savedAt: Date.now(), bytes, final }, new Set([...queue, id]));
    if (pruned.length) {
      const names = pruned.map((p) => `${runs.get(p.runId)?.req.label ?? p.runId} (step ${p.step})`).join(', ');
      message = `browser storage was full: deleted the stored checkpoint${pruned.length > 1 ? 's' : ''} of finished ${names} to keep this one (download checkpoints you want to keep)`;
      for (const p of pruned) post({ type: 'checkpoint-pruned', id: p.runId, step: p.step });
    }
  } catch (e) {
    stored = false;
    message = `could not keep the checkpoint in browser storage (${isQuotaError(e) ? 'storage is full and no finished run’s checkpoint is left to delete' : String(e)}); download it to keep it`;
  }
  post({ type: 'checkpoint', id, step: t.step, stored, message, bytes: download ? bytes : undefined });
}

/**
 * Build the run's trainer from a checkpoint (an opened file, or its own last one in IndexedDB): the
 * checkpoint's config, tokenizer and step win. Replays the saved metric history to the UI so the curve
 * continues where it was. Data: re-prepared with the checkpoint's tokenizer/context when they differ
 * from the dataset's; the built-in set is regenerated at the model's image size if needed.
 */
async function startFromCheckpoint(st: RunState, from: NonNullable<RunRequest['from']>): Promise<{ trainer: Trainer | undefined }> {
  const id = st.req.id;
  const bytes = from.kind === 'file' ? from.bytes : (await loadCheckpoint(id).catch(() => undefined))?.bytes;
  if (!bytes) {
    if (st.attachOnly) throw new Error('its stored checkpoint is gone (pruned, or the site data was cleared)');
    // Interrupted before its first checkpoint: nothing to resume, so it starts over (same seed, same curve).
    post({ type: 'status', id, status: 'running', message: 'no checkpoint was saved before the interruption: restarted from step 0' });
    return { trainer: undefined };
  }
  const info = inspectCheckpoint(bytes);
  const cfg = info.meta.config;
  if (!gpu || !prep || !currentSet) throw new Error('no GPU or dataset yet');
  let set = currentSet;
  if (cfg.vision.imageSize !== set.size) {
    if (currentSpec?.kind !== 'builtin') {
      throw new Error(`the checkpoint's model takes ${cfg.vision.imageSize}×${cfg.vision.imageSize} images; this dataset was prepared at ${set.size}×${set.size} — load the dataset at that size`);
    }
    set = builtinSet({ seed: currentSpec.seed, count: currentSpec.count, valCount: currentSpec.valCount, heldOutCount: currentSpec.heldOutCount, size: cfg.vision.imageSize });
  }
  const sameTok = JSON.stringify(info.tokenizer.toJSON()) === JSON.stringify(prep.tokenizer.toJSON());
  if (!sameTok || cfg.text.contextLength !== prep.contextLength || set !== currentSet) {
    st.prep = prepare(set, cfg.text.contextLength, 0, info.tokenizer);
  }
  const { Trainer: T } = await import('./trainer');
  // Hyper-parameters: the request's (the user may extend the step budget), else the file's.
  const trainer = new T(gpu, cfg, st.req.hyper, st.req.seed);
  try {
    trainer.loadCheckpoint(bytes);
  } catch (e) {
    trainer.destroy();
    throw e;
  }
  st.history = (info.meta.history ?? []).filter((r) => r[0] <= trainer.step);
  if (st.attachOnly) return { trainer };
  if (st.history.length) post({ type: 'steps', id, records: st.history.map(fromHistoryRow), stepsPerSec: 0 });
  post({ type: 'status', id, status: 'running', message: `started from ${from.kind === 'file' ? `"${from.name}"` : 'its stored checkpoint'} at step ${trainer.step}` });
  return { trainer };
}

async function retrieve(id: string, q: Extract<ToWorker, { type: 'retrieve' }>['query']) {
  const st = runs.get(id);
  const p = prepOf(st);
  if (!st?.trainer || !st.emb || !p) {
    post({ type: 'error', id, message: 'retrieval needs a run that has been evaluated at least once' });
    return;
  }
  const { img, txt, D } = st.emb;
  const val = p.val;
  if (q.kind === 'text') {
    const e = p.tokenizer.encode(q.text, p.contextLength);
    const emb = st.trainer.cfg.teacher
      ? await embedQueryWithTeacher(st.trainer, q.text)
      : await st.trainer.embedTexts(e.ids, Int32Array.of(e.eotIndex), Int32Array.of(e.length), 1);
    const scores = similarity(emb, 1, img, val.Ni, D);
    const top = topK(scores, q.k);
    post({ type: 'retrieval', id, query: q.text, kind: 'images', results: top.map((index) => ({ index, score: scores[index] })) });
  } else {
    const scores = similarity(img.subarray(q.index * D, q.index * D + D), 1, txt, val.captions.N, D);
    const top = topK(scores, q.k);
    const texts = p.valCaptions;
    post({
      type: 'retrieval',
      id,
      query: `image #${q.index}`,
      kind: 'captions',
      results: top.map((j) => ({ index: val.captionImage[j], score: scores[j], caption: texts[j] })),
    });
  }
}

self.onmessage = (ev: MessageEvent<ToWorker>) => {
  const m = ev.data;
  switch (m.type) {
    case 'init':
      void init(m.dataset).then(pump);
      break;
    case 'attach':
      if (runs.has(m.run.id)) break;
      runs.set(m.run.id, { req: m.run, control: 'run', attachOnly: true });
      queue.push(m.run.id);
      void pump();
      break;
    case 'enqueue':
      runs.set(m.run.id, { req: m.run, control: 'run' });
      queue.push(m.run.id);
      post({ type: 'status', id: m.run.id, status: 'queued' });
      void pump();
      break;
    case 'pause': {
      const st = runs.get(m.id);
      if (st) {
        st.control = 'pause';
        post({ type: 'status', id: m.id, status: 'paused' });
      }
      break;
    }
    case 'resume': {
      const st = runs.get(m.id);
      if (st) {
        st.control = 'run';
        st.wake?.();
        post({ type: 'status', id: m.id, status: 'running' });
      }
      break;
    }
    case 'stop':
    case 'delete': {
      const st = runs.get(m.id);
      const qi = queue.indexOf(m.id);
      if (qi >= 0) queue.splice(qi, 1);
      if (st) {
        st.control = 'stop';
        st.wake?.();
        if (m.type === 'delete') {
          st.trainer?.destroy();
          runs.delete(m.id);
          void deleteCheckpoint(m.id).catch(() => undefined);
        } else if (qi >= 0) post({ type: 'status', id: m.id, status: 'stopped' });
      }
      break;
    }
    case 'retrieve':
      void retrieve(m.id, m.query).catch((e) => post({ type: 'error', id: m.id, message: String(e instanceof Error ? e.message : e) }));
      break;
    case 'teacher-load':
    case 'teacher-captions':
      void onTeacherRequest(m, currentSet, post);
      break;
    case 'zeroshot': {
      const st = runs.get(m.id);
      const p = prepOf(st);
      if (!st?.trainer || !st.emb || !p) post({ type: 'zeroshot', id: m.id, result: { task: m.task, error: 'zero-shot needs a finished run that has been evaluated' } });
      else
        void runZeroShot(st.trainer, p, st.emb, tasks, m.task, m.templates, p.contextLength).then(
          (result) => post({ type: 'zeroshot', id: m.id, result }),
          (e) => post({ type: 'zeroshot', id: m.id, result: { task: m.task, error: String(e instanceof Error ? e.message : e) } }),
        );
      break;
    }
    case 'export-onnx': {
      const st = runs.get(m.id);
      void exportRun(st?.trainer, st?.req, prepOf(st), m, post, currentSpec?.kind);
      break;
    }
    case 'debug-quota':
      simulateQuota(m.bytes);
      break;
    case 'debug-lose-device':
      // For tests and for trying recovery by hand: what a driver reset looks like to the app.
      gpu?.device.destroy();
      break;
    case 'checkpoint': {
      const st = runs.get(m.id);
      if (st?.live) {
        st.want = { download: m.download };
        if (st.control === 'pause') st.wake?.(); // served at the paused run's safe point
      }
      else if (st?.trainer) void checkpoint(st, st.trainer, m.download);
      else post({ type: 'error', id: m.id, message: 'no trained model to checkpoint yet' });
      break;
    }
  }
};
