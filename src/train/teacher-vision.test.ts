// A teacher run's pretrained vision tower (issue 16.6): out of a checkpoint (ours, a shared-weights run through its
// aliases, a conv-stem run with its BatchNorm stats, a teacher run, the PyTorch twin's), into the run's initial
// values bit for bit; the adapter and logit scale stay the seeded fresh init; a tensor of another shape, a missing
// one or one the run would not use is refused with a message naming it (and both shapes).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialValues } from '../gpu/arena';
import type { ClipConfig } from '../model/config';
import { buildLayout } from '../model/params';
import { presetConfig } from '../model/registry';
import { buildBufferLayout } from '../model/stem';
import { Rng } from '../util/rng';
import { writeCheckpoint } from './checkpoint';
import { DEFAULT_HYPER } from './hyper';
import { type StTensor, decodeSafetensors, encodeSafetensors } from './safetensors';
import { applyVisionTower, extractVisionTower, towerKey } from './teacher-vision';

const SMALL = { vision: { imageSize: 16, patchSize: 8, width: 16, depth: 2, heads: 2, mlpRatio: 2 }, text: { width: 16, depth: 2, heads: 2, mlpRatio: 2 }, embedDim: 12 } as const;

/** Seeded values as createModel draws them (src/model/instance.ts), plus a perturbation so nothing equals the init. */
function values(cfg: ClipConfig, seed: number, jitter = 0) {
  const layout = buildLayout(cfg);
  const rng = new Rng(seed).fork(11);
  const params = initialValues(layout, () => rng.normal(), () => rng.next());
  const j = new Rng(seed + 99);
  for (let i = 0; i < params.length; i++) params[i] += jitter * j.normal();
  return { layout, params };
}

function checkpointOf(cfg: ClipConfig, seed: number) {
  const { layout, params } = values(cfg, seed, 0.1);
  const bl = buildBufferLayout(cfg);
  const bufs = bl.initialValues().map((x, i) => x + 0.01 * (i + 1));
  const zeros = new Float32Array(params.length);
  const bytes = writeCheckpoint(
    layout,
    { params, m: zeros, v: zeros, buffers: bl.totalElements ? { layout: bl, values: bufs } : undefined },
    { config: cfg, tokenizer: null, step: 40, seed, hyper: DEFAULT_HYPER, kernels: null },
  );
  return { bytes, layout, params, bl, bufs };
}

/** A teacher run's config that takes the checkpoint's vision settings and joint width (what the panel builds). */
const teacherRun = (src: ClipConfig, adapter: 'linear' | 'residual' = 'linear'): ClipConfig => ({
  ...presetConfig('separate', { loss: 'infonce' }),
  vision: src.vision,
  embedDim: src.embedDim,
  name: 'teacher',
  teacher: { dim: 24, adapter, ...(adapter === 'residual' ? { blocks: 2 } : {}) },
});

const bitEqual = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((x, i) => Object.is(x, b[i]));

describe('teacher run: vision tower from a checkpoint', () => {
  it('every vision tensor equals the checkpoint bit for bit; adapter and logit scale are the fresh seeded init', () => {
    // The source is itself a teacher run (it has an adapter and a trained logit scale): neither may be taken.
    const srcCfg = teacherRun(presetConfig('separate', SMALL));
    const src = checkpointOf(srcCfg, 3);
    const tower = extractVisionTower(src.bytes, 'teacher-run.safetensors');
    expect(tower.embedDim).toBe(12);
    expect(tower.vision).toEqual(srcCfg.vision);
    const cfg = teacherRun(srcCfg, 'residual');
    const fresh = values(cfg, 7);
    const init = fresh.params.slice();
    applyVisionTower(tower, 'teacher-run.safetensors', fresh.layout, init);
    let vision = 0;
    for (const v of fresh.layout.views) {
      const got = init.subarray(v.offset, v.offset + v.size);
      if (v.name.startsWith('vision.')) {
        const s = src.layout.get(v.name);
        expect(bitEqual(got, src.params.subarray(s.offset, s.offset + s.size)), v.name).toBe(true);
        vision++;
      } else expect(bitEqual(got, fresh.params.subarray(v.offset, v.offset + v.size)), v.name).toBe(true);
    }
    expect(vision).toBe(tower.params.size);
    expect(vision).toBeGreaterThan(20);
    // The source's adapter and logit scale were not copied (they differ from the fresh values).
    const ls = (p: Float32Array, L: typeof fresh.layout) => p[L.get('logit_scale').offset];
    expect(ls(init, fresh.layout)).not.toBe(ls(src.params, src.layout));
    expect(init[fresh.layout.get('text.adapter.out.w').offset]).not.toBe(src.params[src.layout.get('text.adapter.w').offset]);
  });

  it("a shared-all run's shared blocks and shared final LayerNorm become the vision tower's own (through the aliases)", () => {
    const srcCfg = presetConfig('shared-all', SMALL);
    const src = checkpointOf(srcCfg, 1);
    const tower = extractVisionTower(src.bytes, 'shared.safetensors');
    const cfg = teacherRun(srcCfg);
    const { layout, params } = values(cfg, 2);
    applyVisionTower(tower, 'shared.safetensors', layout, params);
    for (const [mine, theirs] of [
      ['vision.blocks.1.attn.qkv.w', 'shared.blocks.1.attn.qkv.w'],
      ['vision.ln_final.g', 'shared.ln_final.g'],
    ]) {
      const a = layout.get(mine);
      const b = src.layout.get(theirs);
      expect(bitEqual(params.subarray(a.offset, a.offset + a.size), src.params.subarray(b.offset, b.offset + b.size)), mine).toBe(true);
    }
  });

  it("a conv-stem run's BatchNorm running stats come along; MS-CLIP's parallel branch is refused", () => {
    const srcCfg = presetConfig('separate', { ...SMALL, vision: { ...SMALL.vision, stem: 'conv' } });
    const src = checkpointOf(srcCfg, 4);
    const tower = extractVisionTower(src.bytes, 'stem.safetensors');
    expect(tower.buffers.size).toBeGreaterThan(0);
    const cfg = teacherRun(srcCfg);
    const { layout, params } = values(cfg, 5);
    const bl = buildBufferLayout(cfg);
    const bufInit = bl.initialValues();
    applyVisionTower(tower, 'stem.safetensors', layout, params, bl, bufInit);
    for (const b of bl.views) {
      const s = src.bl.get(b.name);
      expect(bitEqual(bufInit.subarray(b.offset, b.offset + b.size), src.bufs.subarray(s.offset, s.offset + s.size)), b.name).toBe(true);
    }
    const ms = checkpointOf(presetConfig('ms-clip', { ...SMALL, vision: { ...SMALL.vision, depth: 4 }, text: { ...SMALL.text, depth: 4 } }), 1);
    expect(() => extractVisionTower(ms.bytes, 'ms.safetensors')).toThrow(/ms\.safetensors: its vision tower has MS-CLIP's parallel branch/);
  });

  it('refuses a tensor of another shape, naming it and both shapes — and writes nothing', () => {
    const srcCfg = presetConfig('separate', SMALL);
    const src = checkpointOf(srcCfg, 1);
    // A file whose tensor contradicts its own config.
    const { tensors, metadata } = decodeSafetensors(src.bytes);
    const bad = new Map<string, StTensor>(tensors);
    bad.set('vision.proj', { shape: [12, 8], data: new Float32Array(96) });
    expect(() => extractVisionTower(encodeSafetensors(bad, metadata), 'bad.safetensors')).toThrow('bad.safetensors: tensor "vision.proj" has shape [12, 8]; its config\'s vision tower needs [12, 16]');
    const missing = new Map<string, StTensor>(tensors);
    missing.delete('vision.blocks.1.mlp.fc.w');
    expect(() => extractVisionTower(encodeSafetensors(missing, metadata), 'm.safetensors')).toThrow('m.safetensors: no tensor "vision.blocks.1.mlp.fc.w"');
    // A run whose config was edited away from the tower's (wider joint space): refused, nothing written.
    const tower = extractVisionTower(src.bytes, 'src.safetensors');
    const wider = { ...teacherRun(srcCfg), embedDim: 20 };
    const { layout, params } = values(wider, 1);
    const before = params.slice();
    expect(() => applyVisionTower(tower, 'src.safetensors', layout, params)).toThrow('vision tower from "src.safetensors": tensor "vision.proj" has shape [12, 16]; this teacher run\'s vision tower needs [20, 16]');
    expect(bitEqual(params, before)).toBe(true);
    // A shallower run would leave tensors unused: refused too (never a partial load).
    const shallow = { ...teacherRun(srcCfg), vision: { ...srcCfg.vision, depth: 1 } };
    const s = values(shallow, 1);
    expect(() => applyVisionTower(tower, 'src.safetensors', s.layout, s.params)).toThrow(/12 of its tensors have no place in this teacher run's vision tower \(vision\.blocks\.1\./);
  });

  it('the content key depends on the values', async () => {
    const a = extractVisionTower(checkpointOf(presetConfig('separate', SMALL), 1).bytes, 'a');
    const b = extractVisionTower(checkpointOf(presetConfig('separate', SMALL), 2).bytes, 'b');
    expect(await towerKey(a)).toBe(await towerKey(extractVisionTower(checkpointOf(presetConfig('separate', SMALL), 1).bytes, 'a2')));
    expect(await towerKey(a)).not.toBe(await towerKey(b));
  });
});

/** The PyTorch twin writes checkpoints with python/sharelab_torch/checkpoint.py: one of them, if python + torch are here. */
function twinCheckpoint(): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'twin-vision-'));
  const out = join(dir, 'twin.safetensors');
  const code = [
    'import sys, torch',
    "sys.path.insert(0, 'python')",
    'from sharelab_torch.config import preset_config',
    'from sharelab_torch.model import ShareClip',
    'from sharelab_torch import checkpoint',
    'torch.manual_seed(0)',
    `m = ShareClip(preset_config('separate-first-k', ${JSON.stringify({ ...SMALL, vision: { ...SMALL.vision, stem: 'conv' } }).replace(/true/g, 'True')}))`,
    'with torch.no_grad():',
    '    [p.add_(0.1 * torch.randn_like(p)) for _, p in m.canonical_parameters()]',
    `checkpoint.write(${JSON.stringify(out)}, m, tokenizer=None, step=7)`,
  ].join('\n');
  try {
    execFileSync('/usr/bin/python3', ['-c', code], { stdio: 'pipe', timeout: 120_000 });
    return out;
  } catch (e) {
    const msg = String((e as { stderr?: Buffer }).stderr ?? e);
    if (/No module named 'torch'|ENOENT/.test(msg)) return null;
    throw new Error(msg);
  }
}

describe('teacher run: vision tower from a PyTorch twin checkpoint', () => {
  const path = twinCheckpoint();
  it.skipIf(!path)('same layout: every vision tensor (shared ones through the aliases, BatchNorm stats) taken bit for bit', () => {
    const bytes = new Uint8Array(readFileSync(path as string));
    const tower = extractVisionTower(bytes, 'twin.safetensors');
    expect(tower.step).toBe(7);
    const { tensors, metadata } = decodeSafetensors(bytes);
    const aliases = JSON.parse(metadata.aliases) as Record<string, string>;
    for (const [name, t] of tower.params) {
      const src = tensors.get(name) ?? tensors.get(aliases[name]);
      expect(src && bitEqual(t.data, src.data), name).toBe(true);
    }
    expect(tower.params.has('vision.blocks.1.mlp.fc.w')).toBe(true); // shared (layer ≥ k) in the twin's run
    expect(aliases['vision.blocks.1.mlp.fc.w']).toBe('shared.blocks.1.mlp.fc.w');
    expect(tower.buffers.size).toBeGreaterThan(0);
    const cfg = teacherRun({ ...presetConfig('separate', SMALL), vision: tower.vision, embedDim: tower.embedDim });
    const { layout, params } = values(cfg, 1);
    const bl = buildBufferLayout(cfg);
    applyVisionTower(tower, 'twin.safetensors', layout, params, bl, bl.initialValues());
  });
});
