// Teacher mode on the UI side (state in ./teacherSlice.ts): the actions — load files (sent to the worker, which validates and computes the table), download
// the dataset's caption list, and queue teacher runs (one per selected seed) next to ordinary runs.
import type { ClipConfig, TeacherConfig } from '../model/config';
import { runConfig } from './experiment';
import type { Patch } from './patch';
import { useStore } from './store';
import type { TeacherUiState } from './teacherSlice';
import { adapterConfig, adapterLabel } from './teacher-adapter';
import { type ToWorker, fitToDataset } from '../worker/protocol';
import { downloadText } from '../util/download';
import type { TeacherReply } from '../teacher/messages';

const patchTeacher = (p: Patch<TeacherUiState>) => useStore.getState().patchTeacher(p);
const teacherState = () => useStore.getState().teacher;

export const setTeacherAdapter = (adapter: TeacherUiState['adapter']) => patchTeacher({ adapter });
export const setTeacherHidden = (hidden: number) => patchTeacher({ hidden });
export const setTeacherBlocks = (blocks: number) => patchTeacher({ blocks });

/** The current dataset as a key (same spec = same captions). */
export const currentDatasetKey = () => JSON.stringify(useStore.getState().activeDataset);
let pendingDataset: string | null = null;

let send: (m: ToWorker) => void = () => {};
let nextId = 1;
let wantCaptions = false;

/** The client passes its sender once (src/store/client.ts). */
export function bindTeacherSender(f: (m: ToWorker) => void): void {
  send = f;
}

export async function loadTeacherFiles(list: readonly File[]): Promise<void> {
  if (list.length === 0) return;
  const id = nextId++;
  const names = list.map((f) => f.name);
  patchTeacher({ loading: { id, files: names }, error: null });
  pendingDataset = currentDatasetKey();
  try {
    const big = list.find((f) => f.size > 1024 ** 3);
    if (big) throw new Error(`${big.name}: ${(big.size / 1024 ** 2).toFixed(0)} MB is larger than a tab can load (1 GB)`);
    const files = await Promise.all(list.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
    send({ type: 'teacher-load', id, files });
  } catch (e) {
    patchTeacher({ loading: null, error: e instanceof Error ? e.message : String(e) });
  }
}

export function downloadCaptionList(): void {
  wantCaptions = true;
  send({ type: 'teacher-captions' });
}

export function onTeacherReply(m: TeacherReply): void {
  if (m.type === 'teacher-frozen') {
    patchTeacher((s) => ({ frozen: { ...s.frozen, [m.id]: m } }));
    return;
  }
  if (m.type === 'teacher-captions') {
    if (!wantCaptions) return;
    wantCaptions = false;
    if (m.ok) downloadText('captions.jsonl', m.jsonl, 'application/jsonl');
    else patchTeacher({ error: `caption list: ${m.error}` });
    return;
  }
  if (m.type === 'teacher-vision-loaded') {
    const v = teacherState().vision;
    if (v.loading?.id !== m.id) return; // superseded by a later choice
    // A refused checkpoint leaves the previous choice (and its tower) in place.
    if (m.ok) patchTeacher({ vision: { ...v, choice: m.info.from, runId: pendingVisionRun, loading: null, info: m.info, error: null } });
    else patchTeacher({ vision: { ...v, loading: null, error: m.error } });
    return;
  }
  if (teacherState().loading?.id !== m.id) return; // superseded by a later selection
  if (m.ok) patchTeacher({ loading: null, info: m.info, error: null, datasetKey: pendingDataset });
  // A refused file leaves the previously loaded teacher in place.
  else patchTeacher({ loading: null, error: m.error });
}

let pendingVisionRun: string | null = null;

/** Teacher runs' vision tower from scratch (the seeded init). */
export const setVisionScratch = () => patchTeacher((s) => ({ vision: { ...s.vision, choice: 'scratch', runId: null, info: null, error: null, loading: null } }));

/** Teacher runs' vision tower from a finished run's stored checkpoint (read by the worker). */
export function chooseVisionRun(runId: string): void {
  const name = useStore.getState().runs[runId]?.label ?? runId;
  const id = nextId++;
  pendingVisionRun = runId;
  patchTeacher((s) => ({ vision: { ...s.vision, loading: { id, name }, error: null } }));
  send({ type: 'teacher-vision', id, source: { kind: 'run', runId, name } });
}

/** Teacher runs' vision tower from a .safetensors checkpoint the user opened (ShareLab's or the PyTorch twin's). */
export async function chooseVisionFile(f: File): Promise<void> {
  const id = nextId++;
  pendingVisionRun = null;
  patchTeacher((s) => ({ vision: { ...s.vision, loading: { id, name: f.name }, error: null } }));
  try {
    send({ type: 'teacher-vision', id, source: { kind: 'file', name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) } });
  } catch (e) {
    patchTeacher((s) => ({ vision: { ...s.vision, loading: null, error: `${f.name}: ${e instanceof Error ? e.message : String(e)}` } }));
  }
}

/** The chosen pretrained vision tower (null: from scratch). */
export const chosenVision = (s: TeacherUiState = teacherState()) => (s.vision.choice === 'scratch' ? null : s.vision.info);

/** Why teacher runs cannot start from the chosen tower on this dataset (null when they can). */
export function visionTowerProblem(s: TeacherUiState, datasetSize: number): string | null {
  const v = chosenVision(s);
  if (!v || v.vision.imageSize === datasetSize) return null;
  return `${v.name}'s vision tower takes ${v.vision.imageSize}×${v.vision.imageSize} images; the dataset is prepared at ${datasetSize}×${datasetSize} — load it at ${v.vision.imageSize}`;
}

/** The teacher part of a run's config for the loaded teacher and the current adapter choice. */
export function teacherConfig(s: TeacherUiState = teacherState()): TeacherConfig | null {
  const t = s.info;
  const v = chosenVision(s);
  if (!t || s.datasetKey !== currentDatasetKey()) return null;
  return {
    dim: t.dim,
    ...adapterConfig(s.adapter, s.hidden, s.blocks),
    source: { file: t.file, kind: t.kind, key: t.key, captions: t.captions, rows: t.rows, ...(t.ep ? { ep: t.ep } : {}) },
    ...(v ? { vision: { from: v.from, name: v.name, key: v.key, step: v.step } } : {}),
  };
}

/**
 * A teacher run's whole config: the model panel's settings ("separate": no text tower to share with) — or, with a
 * pretrained vision tower, the checkpoint's vision settings and joint width (they win: the tower must fit).
 */
export function teacherRunConfig(teacher: TeacherConfig): ClipConfig {
  const e = useStore.getState().experiment;
  const base = { ...runConfig('separate', e.model, e.loss), name: 'teacher', teacher };
  const v = teacher.vision ? chosenVision() : null;
  return v ? { ...base, vision: v.vision, embedDim: v.embedDim } : base;
}

export const teacherLabel = (t: TeacherConfig, seed: number) =>
  `teacher: ${t.source?.file ?? '?'} (${adapterLabel(t)})${t.vision ? ` · vision from ${t.vision.name}` : ''} · seed ${seed}`;

/**
 * One teacher run per selected seed, queued now (config: teacherRunConfig); hyper-parameters as for any run,
 * lrMultVision included.
 */
export function queueTeacherRuns(): string[] {
  const teacher = teacherConfig();
  const s = useStore.getState();
  if (!teacher || !s.dataset) return [];
  const tokens = s.dataset;
  const e = s.experiment;
  const ids: string[] = [];
  for (const seed of e.seeds) {
    const before = new Set(useStore.getState().order);
    useStore.getState().addRuns([{ preset: 'separate', seed }]);
    const id = useStore.getState().order.find((o) => !before.has(o));
    if (!id) continue;
    const config = teacherRunConfig(teacher);
    const label = teacherLabel(teacher, seed);
    const request = fitToDataset({ id, label, preset: 'separate', config, hyper: { ...e.hyper }, seed }, tokens);
    useStore.getState().patchRun(id, { label, status: 'queued', request });
    send({ type: 'enqueue', run: request });
    ids.push(id);
  }
  return ids;
}
