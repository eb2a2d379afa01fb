// A teacher run's pretrained vision tower (LLM2CLIP fine-tunes a pretrained vision encoder; METHODS.md): taken
// from a checkpoint in our safetensors format (a finished run of this session, or a file written by the browser
// or by the PyTorch twin, python/sharelab_torch/checkpoint.py — same tensor names, aliases in the metadata).
//
//   taken:  every vision.* parameter of the teacher layout (patch linear or conv stem, CLS, positions, ln_pre,
//           vision blocks, ln_final, vision.proj), resolved through the checkpoint's aliases (a shared-* run's
//           shared.blocks.l.* become the vision tower's own), and the stem's BatchNorm running stats;
//   fresh:  the adapter (text.adapter.*), logit scale (and bias), AdamW moments, the step.
//
// Never partial: a vision view the checkpoint lacks, a shape that differs, or a vision tensor the run would
// not use is refused with a message naming the tensor (and both shapes). The run's `vision` and `embedDim`
// are the checkpoint's (the teacher panel copies them), so a refusal means the file contradicts its own
// config or the run's config was edited. Like the frozen tables (./teacher-tables.ts), towers are kept in
// memory by content key; the worker fills the registry (src/worker/teacher.ts), the Trainer reads it.
import type { BufferLayout } from '../engine/buffers';
import type { ArenaLayout } from '../gpu/arena';
import type { Gpu } from '../gpu/runtime';
import type { ClipConfig, TeacherVisionSource, VisionConfig } from '../model/config';
import type { ModelInstance } from '../model/instance';
import { buildLayout } from '../model/params';
import { buildBufferLayout } from '../model/stem';
import { configProblems } from '../model/validate';
import { BUFFER_PREFIX, readCheckpoint } from './checkpoint';
import { decodeSafetensors } from './safetensors';

export interface TowerTensor {
  shape: number[];
  data: Float32Array;
}

/** The vision tower of one checkpoint, by teacher-layout name (params) and buffer name (running stats). */
export interface VisionTower {
  /** The checkpoint's vision settings and joint width: a teacher run from this tower uses them. */
  vision: VisionConfig;
  embedDim: number;
  step: number;
  params: Map<string, TowerTensor>;
  buffers: Map<string, TowerTensor>;
}

const shapeOf = (s: readonly number[]) => `[${s.join(', ')}]`;

/** The teacher layout a tower must fill: the checkpoint's vision settings and E, no sharing, a 1-wide linear adapter. */
function teacherCfgFor(cfg: ClipConfig): ClipConfig {
  return { ...cfg, sharing: { preset: 'separate' }, teacher: { dim: 1, adapter: 'linear' } };
}

/**
 * Read the vision tower out of checkpoint bytes (`name` for messages). Refuses a vision tower a teacher run
 * cannot have (MS-CLIP's parallel branch fuses into layers shared with the text tower) and any missing or
 * misshapen tensor.
 */
export function extractVisionTower(bytes: Uint8Array, name: string): VisionTower {
  const { meta } = readCheckpoint(bytes);
  const cfg = meta.config;
  if (!cfg?.vision || typeof cfg.embedDim !== 'number') throw new Error(`${name}: the checkpoint's metadata has no model config (vision, embedDim)`);
  if (cfg.vision.parallelBranch) {
    throw new Error(`${name}: its vision tower has MS-CLIP's parallel branch, which fuses into layers shared with the text tower — a teacher run has no text tower, so it cannot start from it`);
  }
  const problems = configProblems(teacherCfgFor(cfg));
  if (problems.length) throw new Error(`${name}: its config cannot build a teacher run's vision tower — ${problems[0]}`);
  const { tensors } = decodeSafetensors(bytes);
  const at = (n: string) => tensors.get(n) ?? (meta.aliases[n] ? tensors.get(meta.aliases[n]) : undefined);
  const tcfg = teacherCfgFor(cfg);
  const layout = buildLayout(tcfg);
  const params = new Map<string, TowerTensor>();
  for (const v of layout.views) {
    if (!v.visionTower) continue;
    const t = at(v.name);
    if (!t) throw new Error(`${name}: no tensor "${v.name}" (its config's vision tower has one of shape ${shapeOf(v.shape)})`);
    if (!(t.data instanceof Float32Array)) throw new Error(`${name}: tensor "${v.name}" is not float32`);
    if (shapeOf(t.shape) !== shapeOf(v.shape)) throw new Error(`${name}: tensor "${v.name}" has shape ${shapeOf(t.shape)}; its config's vision tower needs ${shapeOf(v.shape)}`);
    params.set(v.name, { shape: [...t.shape], data: t.data });
  }
  const buffers = new Map<string, TowerTensor>();
  for (const b of buildBufferLayout(tcfg).views) {
    const t = tensors.get(BUFFER_PREFIX + b.name);
    if (!t) throw new Error(`${name}: no BatchNorm running statistics "${BUFFER_PREFIX}${b.name}" for its conv stem`);
    if (!(t.data instanceof Float32Array) || t.data.length !== b.size) throw new Error(`${name}: buffer "${b.name}" has ${t.data.length} values; its conv stem needs ${b.size}`);
    buffers.set(b.name, { shape: [b.size], data: t.data });
  }
  return { vision: cfg.vision, embedDim: cfg.embedDim, step: meta.step, params, buffers };
}

/**
 * Write a tower into a teacher run's initial values (arena `init`, BatchNorm `bufInit`), in place. Every
 * vision view must be in the tower with the same shape and every tower tensor must be used; otherwise an error
 * naming the tensor and both shapes, and nothing is written.
 */
export function applyVisionTower(
  tower: Pick<VisionTower, 'params' | 'buffers'>,
  name: string,
  layout: ArenaLayout,
  init: Float32Array,
  bufLayout?: BufferLayout,
  bufInit?: Float32Array,
): void {
  const writes: [Float32Array, number, Float32Array][] = [];
  const used = new Set<string>();
  for (const v of layout.views) {
    if (!v.visionTower) continue;
    const t = tower.params.get(v.name);
    if (!t) throw new Error(`vision tower from "${name}": it has no tensor "${v.name}", which this teacher run's vision tower needs with shape ${shapeOf(v.shape)}`);
    if (shapeOf(t.shape) !== shapeOf(v.shape)) {
      throw new Error(`vision tower from "${name}": tensor "${v.name}" has shape ${shapeOf(t.shape)}; this teacher run's vision tower needs ${shapeOf(v.shape)}`);
    }
    writes.push([init, v.offset, t.data]);
    used.add(v.name);
  }
  const unused = [...tower.params.keys()].filter((n) => !used.has(n));
  if (unused.length) throw new Error(`vision tower from "${name}": ${unused.length} of its tensors have no place in this teacher run's vision tower (${unused.slice(0, 3).join(', ')}${unused.length > 3 ? ', …' : ''})`);
  const bufViews = bufLayout?.views ?? [];
  for (const b of bufViews) {
    const t = tower.buffers.get(b.name);
    if (!t || t.data.length !== b.size) throw new Error(`vision tower from "${name}": buffer "${b.name}" has ${t ? t.data.length : 'no'} values; this teacher run's conv stem needs ${b.size}`);
    if (bufInit) writes.push([bufInit, b.offset, t.data]);
  }
  if (tower.buffers.size !== bufViews.length) throw new Error(`vision tower from "${name}": it has ${tower.buffers.size} BatchNorm buffers; this teacher run's vision tower has ${bufViews.length}`);
  for (const [dst, offset, data] of writes) dst.set(data, offset);
}

// ------------------------------------------------------------------------------------------ registry

const towers = new Map<string, VisionTower>();

export const registerVisionTower = (key: string, t: VisionTower) => void towers.set(key, t);
export const hasVisionTower = (key: string) => towers.has(key);
export const visionTowerByKey = (key: string): VisionTower | undefined => towers.get(key);

/** The tower a teacher run's config names; a clear error when it is not loaded. */
export function teacherVisionTower(src: TeacherVisionSource): VisionTower {
  const t = towers.get(src.key);
  if (!t) throw new Error(`the vision tower this teacher run starts from (${src.name}, step ${src.step}) is not loaded: choose it again in the teacher panel`);
  return t;
}

/** After createModel: the model's initial values with the tower written in, uploaded (arena and BatchNorm stats). */
export function loadVisionTower(gpu: Gpu, model: ModelInstance, tower: VisionTower, name: string): void {
  const bufs = model.buffers;
  const bufInit = bufs?.layout.initialValues();
  applyVisionTower(tower, name, model.arena.layout, model.init, bufs?.layout, bufInit);
  model.arena.upload(model.init);
  if (bufs && bufInit) gpu.upload(bufs.flat(), bufInit);
}

/** SHA-256 over the tower's tensors (names, shapes, values, in name order): its content key. */
export async function towerKey(t: VisionTower): Promise<string> {
  const parts: Uint8Array[] = [];
  const enc = new TextEncoder();
  for (const [kind, m] of [['p', t.params], ['b', t.buffers]] as const) {
    for (const n of [...m.keys()].sort()) {
      const x = m.get(n) as TowerTensor;
      parts.push(enc.encode(`${kind}:${n}:${x.shape.join(',')}\n`), new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength));
    }
  }
  const all = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  const h = new Uint8Array(await crypto.subtle.digest('SHA-256', all));
  return Array.from(h, (b) => b.toString(16).padStart(2, '0')).join('');
}
