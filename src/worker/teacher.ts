// The training worker's side of teacher mode: turn the user's files into the frozen table of the loaded
// dataset (once per teacher file and dataset: memory, then IndexedDB, then computed), read a checkpoint's
// pretrained vision tower, make sure a teacher run's table (and tower) is there before its Trainer is built
// (also after a reload), evaluate a teacher run at step
// 0 (the untrained start its retrieval is compared with), and embed typed queries through an ONNX teacher.
import type { ImageCaptionSet } from '../data/prepare';
import type { NamedBytes } from '../export/load';
import type { Ort, OrtSession } from '../export/session';
import { withMemoryScope } from '../gpu/memory';
import type { Gpu } from '../gpu/runtime';
import type { ClipConfig, TeacherVisionSource } from '../model/config';
import { destroyFrozen, encodeTeacherText, uploadFrozen } from '../model/teacher';
import { type EvalEmbeddings, type EvalMetrics, type ValData, evaluate } from '../train/evaluate';
import type { TrainHyper } from '../train/hyper';
import { Trainer } from '../train/trainer';
import { type StoredTower, loadTable, loadTower, saveTable, saveTower } from '../teacher/cache';
import { loadCheckpoint } from '../train/checkpoint-store';
import { extractVisionTower, hasVisionTower, registerVisionTower, towerKey } from '../train/teacher-vision';
import { hasTeacherTable, registerTeacherTable, tableByKey } from '../train/teacher-tables';
import type { TeacherInfo, TeacherReply, TeacherRequest, TeacherVisionInfo, TeacherVisionRequestSource } from '../teacher/messages';
import { type OnnxTeacher, embedWithTeacher, loadOnnxTeacher, onnxTeacherTable, teacherSession } from '../teacher/onnx-teacher';
import { captionListJsonl, captionsHash, captionsInOrder, sha256Hex } from '../data/caption-order';
import { type FeatureMatrix, TeacherFileError, checkFeatures, normaliseRows, parseFeatureFile } from '../teacher/parse';

/** ONNX teachers kept loaded (by table key) so typed queries can be embedded the same way. */
const sessions = new Map<string, { ort: Ort; teacher: OnnxTeacher; session: OrtSession }>();
/** Captions hash per dataset object. */
const hashes = new WeakMap<ImageCaptionSet, Promise<string>>();
const datasetHash = (set: ImageCaptionSet) => {
  let h = hashes.get(set);
  if (!h) {
    h = captionsHash(set.captions);
    hashes.set(set, h);
  }
  return h;
};

const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const isSidecarJson = (f: NamedBytes) => /\.onnx\.json$/i.test(f.name) || /^\s*\{\s*"format"\s*:\s*"sharelab-onnx/.test(new TextDecoder().decode(f.bytes.subarray(0, 64)));

/** Which kind of teacher the selected files are. */
export function teacherKind(files: NamedBytes[]): 'onnx' | 'npy' | 'json' {
  if (files.length === 0) throw new TeacherFileError('no file selected');
  if (files.some((f) => /\.(onnx|zip)$/i.test(f.name) || isZip(f.bytes))) return 'onnx';
  if (files.length > 1) {
    throw new TeacherFileError(`${files.map((f) => f.name).join(', ')}: select ONE embeddings file (.npy or .json), or an .onnx text encoder together with its .onnx.json sidecar`);
  }
  const f = files[0];
  if (isSidecarJson(f)) throw new TeacherFileError(`${f.name}: this is an ONNX export's sidecar — select it together with its .text.onnx file (or the export .zip)`);
  return /\.json$/i.test(f.name) ? 'json' : 'npy';
}

/** Load (or find cached) the teacher table for `set` from the user's files. */
export async function loadTeacher(files: NamedBytes[], set: ImageCaptionSet): Promise<TeacherInfo> {
  const t0 = performance.now();
  const kind = teacherKind(files);
  const captions = await datasetHash(set);
  const shas = await Promise.all([...files].sort((a, b) => (a.name < b.name ? -1 : 1)).map((f) => sha256Hex(f.bytes)));
  const key = await sha256Hex(new TextEncoder().encode(`sharelab-teacher/1\n${kind}\n${shas.join('\n')}\n${captions}`));
  const texts = captionsInOrder(set.captions);
  const base = { kind, key, captions };
  const done = (p: Omit<TeacherInfo, 'ms' | 'kind' | 'key' | 'captions'>): TeacherInfo => ({ ...base, ...p, ms: performance.now() - t0 });

  // ONNX: the validated text encoder (needed again for typed queries even when the table is cached).
  let onnx: OnnxTeacher | null = null;
  if (kind === 'onnx') onnx = await loadOnnxTeacher(files);
  const file = onnx?.file ?? files[0].name;
  const prev = sessions.get(key);

  const inMemory = tableByKey(key);
  if (inMemory) {
    const t = inMemory;
    return done({ file, rows: t.rows, dim: t.dim, cached: 'memory', requestedEp: prev?.session.requested, ep: prev?.session.ran });
  }
  const stored = await loadTable(key).catch(() => undefined);
  if (stored && stored.rows === texts.length) {
    registerTeacherTable({ key, rows: stored.rows, dim: stored.dim, data: stored.data });
    const s = onnx ? await openSession(key, onnx) : undefined;
    return done({ file, rows: stored.rows, dim: stored.dim, cached: 'storage', requestedEp: s?.requested, ep: s?.ran });
  }

  let m: FeatureMatrix;
  let requestedEp: string | undefined;
  let ep: string | null | undefined;
  if (onnx) {
    const s = await openSession(key, onnx);
    const ort = sessions.get(key)?.ort as Ort;
    const t = await onnxTeacherTable(ort, onnx, s, texts);
    m = { rows: t.rows, dim: t.dim, data: t.data };
    requestedEp = t.requested;
    ep = t.ran;
  } else m = parseFeatureFile(files[0].bytes, file);
  checkFeatures(m, texts.length, file);
  const table = normaliseRows(m);
  registerTeacherTable({ key, ...table });
  let note: string | undefined;
  try {
    await saveTable({ key, rows: table.rows, dim: table.dim, data: table.data, file, savedAt: Date.now() });
  } catch (e) {
    note = `the table could not be kept in browser storage (${e instanceof Error ? e.message : String(e)}): teacher runs will need the file again after a reload`;
  }
  return done({ file, rows: table.rows, dim: table.dim, cached: 'no', requestedEp, ep, note });
}

async function openSession(key: string, teacher: OnnxTeacher): Promise<OrtSession> {
  const old = sessions.get(key);
  if (old) return old.session;
  const { loadOrt } = await import('../export/ort-web');
  const ort = await loadOrt();
  const session = await teacherSession(ort, teacher, 'wasm');
  sessions.set(key, { ort, teacher, session });
  return session;
}

/** Read a checkpoint's vision tower (a finished run's stored checkpoint or an opened file), keep it in memory and browser storage. */
export async function loadVisionSource(source: TeacherVisionRequestSource): Promise<TeacherVisionInfo> {
  let bytes: Uint8Array;
  if (source.kind === 'file') bytes = source.bytes;
  else {
    const stored = await loadCheckpoint(source.runId).catch(() => undefined);
    if (!stored) throw new Error(`${source.name} has no stored checkpoint (pruned, not finished, or the site data was cleared): open its downloaded .safetensors instead`);
    bytes = stored.bytes;
  }
  const tower = extractVisionTower(bytes, source.name);
  const key = await towerKey(tower);
  registerVisionTower(key, tower);
  const list = (m: Map<string, { shape: number[]; data: Float32Array }>) => [...m].map(([n, t]) => [n, t.shape, t.data] as [string, number[], Float32Array]);
  let note: string | undefined;
  try {
    await saveTower({ key, name: source.name, step: tower.step, vision: tower.vision, embedDim: tower.embedDim, params: list(tower.params), buffers: list(tower.buffers), savedAt: Date.now() });
  } catch (e) {
    note = `the vision tower could not be kept in browser storage (${e instanceof Error ? e.message : String(e)}): after a reload, choose it again`;
  }
  const params = [...tower.params.values()].reduce((s, t) => s + t.data.length, 0);
  return { from: source.kind, name: source.name, key, step: tower.step, vision: tower.vision, embedDim: tower.embedDim, params, tensors: tower.params.size + tower.buffers.size, note };
}

/** Serve a teacher message; every failure becomes a reply with a message naming the file and problem. */
export async function onTeacherRequest(m: TeacherRequest, set: ImageCaptionSet | null, post: (r: TeacherReply) => void): Promise<void> {
  if (m.type === 'teacher-vision') {
    try {
      post({ type: 'teacher-vision-loaded', id: m.id, ok: true, info: await loadVisionSource(m.source) });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      post({ type: 'teacher-vision-loaded', id: m.id, ok: false, error: msg.startsWith(m.source.name) ? msg : `${m.source.name}: ${msg}` });
    }
    return;
  }
  if (m.type === 'teacher-captions') {
    if (!set) post({ type: 'teacher-captions', ok: false, error: 'no dataset loaded yet' });
    else post({ type: 'teacher-captions', ok: true, jsonl: captionListJsonl(set.captions), rows: captionsInOrder(set.captions).length, images: set.captions.length });
    return;
  }
  try {
    if (!set) throw new Error('no dataset loaded yet: wait for the dataset, then load the teacher');
    post({ type: 'teacher-loaded', id: m.id, ok: true, info: await loadTeacher(m.files, set) });
  } catch (e) {
    const names = m.files.map((f) => f.name).join(', ');
    const msg = e instanceof Error ? e.message : String(e);
    // Messages from the parsers already start with the file name; others get it prefixed.
    const named = m.files.some((f) => msg.startsWith(f.name)) ? msg : `${names}: ${msg}`;
    post({ type: 'teacher-loaded', id: m.id, ok: false, error: named });
  }
}

/**
 * Before a teacher run's Trainer is built: the table must be for this dataset and loaded (from browser
 * storage after a reload). Throws a message fit for the run's status line.
 */
export async function ensureTeacher(cfg: ClipConfig, set: ImageCaptionSet | null): Promise<void> {
  const src = cfg.teacher?.source;
  if (!cfg.teacher) return;
  if (!src) throw new Error('teacher run without a teacher source');
  if (set && src.captions && src.captions !== (await datasetHash(set))) {
    throw new Error(`the teacher table (${src.file}) was made for another dataset (its captions differ): load this dataset, or load the teacher again for it`);
  }
  await ensureVisionTower(cfg.teacher.vision);
  if (cfg.teacher.vision && set && cfg.vision.imageSize !== set.size) {
    throw new Error(`its vision tower (${cfg.teacher.vision.name}) takes ${cfg.vision.imageSize}×${cfg.vision.imageSize} images; this dataset is prepared at ${set.size}×${set.size}`);
  }
  if (hasTeacherTable(src.key)) return;
  const stored = await loadTable(src.key).catch(() => undefined);
  if (!stored) throw new Error(`the teacher's caption embeddings (${src.file}) are not in this browser any more: load the teacher file again in the model panel`);
  registerTeacherTable({ key: src.key, rows: stored.rows, dim: stored.dim, data: stored.data });
}

/** A teacher run's pretrained vision tower in memory (from browser storage after a reload), or a message why not. */
async function ensureVisionTower(v: TeacherVisionSource | undefined): Promise<void> {
  if (!v || hasVisionTower(v.key)) return;
  const t = await loadTower(v.key).catch(() => undefined);
  if (!t) throw new Error(`the vision tower this teacher run starts from (${v.name}, step ${v.step}) is not in this browser any more: choose it again in the teacher panel`);
  const map = (l: StoredTower['params']) => new Map(l.map(([n, shape, data]) => [n, { shape, data }]));
  registerVisionTower(v.key, { vision: t.vision, embedDim: t.embedDim, step: t.step, params: map(t.params), buffers: map(t.buffers) });
}

/** A teacher run's Trainer, evaluated at step 0 (the untrained start), before training begins. */
export async function teacherStart(
  gpu: Gpu,
  cfg: ClipConfig,
  hyper: TrainHyper,
  seed: number,
  val: ValData,
): Promise<{ trainer: Trainer; metrics: EvalMetrics; emb: EvalEmbeddings }> {
  const trainer = await withMemoryScope(gpu.device, () => new Trainer(gpu, cfg, hyper, seed), { batchSize: hyper.batchSize });
  try {
    const scale = Math.exp(trainer.model.init[trainer.arena.layout.get('logit_scale').offset]);
    const { metrics, emb } = await evaluate(trainer, val, Math.min(scale, 100));
    return { trainer, metrics, emb };
  } catch (e) {
    trainer.destroy();
    throw e;
  }
}

/** A typed query's text embedding for a teacher run: the ONNX teacher → normalise → the run's adapter. */
export async function embedQueryWithTeacher(trainer: Trainer, text: string): Promise<Float32Array> {
  const src = trainer.cfg.teacher?.source;
  const s = src ? sessions.get(src.key) : undefined;
  if (!src || !s) {
    throw new Error(
      src?.kind === 'onnx'
        ? `typed queries need the teacher's text encoder: load ${src.file} again in the model panel`
        : `this run's text side is a precomputed table (${src?.file ?? 'teacher'}): only the dataset's own captions have embeddings, so typed queries cannot be embedded — use an ONNX teacher for them`,
    );
  }
  const raw = await embedWithTeacher(s.ort, s.teacher, s.session, [text]);
  const f = normaliseRows({ rows: 1, dim: raw.length, data: raw });
  return adapterEmbed(trainer, f.data, 1);
}

/** Features (N, D_t) (normalised like the table) through a trainer's adapter: (N, E), no autograd. */
export async function adapterEmbed(trainer: Trainer, feats: Float32Array, N: number): Promise<Float32Array> {
  const { gpu, cfg, tape } = trainer;
  const B = trainer.hyper.batchSize;
  const E = cfg.embedDim;
  const dim = feats.length / N;
  const table = uploadFrozen(gpu, feats, N, dim);
  const rows = gpu.tensor([B], 'teacher.query.rows', 'i32');
  const out = new Float32Array(N * E);
  try {
    for (let lo = 0; lo < N; lo += B) {
      const hi = Math.min(N, lo + B);
      gpu.upload(rows, Int32Array.from({ length: B }, (_, i) => Math.min(lo + i, N - 1)));
      tape.reset(false);
      const emb = encodeTeacherText(tape, cfg, table, rows, B);
      out.set((await gpu.read(emb.t)).subarray(0, (hi - lo) * E), lo * E);
    }
  } finally {
    destroyFrozen(table);
    rows.buffer.destroy();
  }
  return out;
}

/** Tables up to this many values are read back after a teacher run to show they did not change. */
const VERIFY_MAX = 2 ** 26;

/** The run's GPU copy of the frozen table vs the loaded table, bit for bit (skipped for huge tables). */
export async function verifyFrozen(id: string, trainer: Trainer): Promise<TeacherReply | null> {
  const frozen = trainer.frozen;
  const src = trainer.cfg.teacher?.source;
  const table = src ? tableByKey(src.key) : undefined;
  if (!frozen || !table) return null;
  const base = { type: 'teacher-frozen' as const, id, step: trainer.step, rows: frozen.rows, dim: frozen.dim };
  if (frozen.rows * frozen.dim > VERIFY_MAX) return { ...base, identical: true, maxAbsDiff: 0, checked: false };
  const got = await trainer.gpu.read(frozen.features);
  let identical = got.length === table.data.length;
  let maxAbsDiff = 0;
  for (let i = 0; i < got.length && i < table.data.length; i++) {
    if (!Object.is(got[i], table.data[i])) identical = false;
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(got[i] - table.data[i]));
  }
  return { ...base, identical, maxAbsDiff, checked: true };
}
