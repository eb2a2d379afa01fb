import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLayout } from '../model/params';
import { buildBufferLayout } from '../model/stem';
import { presetConfig } from '../model/registry';
import { readCheckpoint, writeCheckpoint } from './checkpoint';
import { DEFAULT_HYPER } from './hyper';
import { applyTable, tableJson } from '../kernels/tuner';
import { SafetensorsError, decodeSafetensors, encodeSafetensors } from './safetensors';

describe('safetensors', () => {
  it('round-trips tensors and metadata', () => {
    const t = new Map([
      ['a', { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }],
      ['b.c', { shape: [1], data: Int32Array.of(-7) }],
    ]);
    const bytes = encodeSafetensors(t, { hello: 'world' });
    expect(new DataView(bytes.buffer).getBigUint64(0, true) % 8n).toBe(0n);
    const back = decodeSafetensors(bytes);
    expect(back.metadata.hello).toBe('world');
    expect([...back.tensors.get('a')!.data]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(back.tensors.get('b.c')!.data).toBeInstanceOf(Int32Array);
  });

  it('rejects garbage with a SafetensorsError, never another exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decodeSafetensors(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(SafetensorsError);
        }
      }),
      { seed: 1, numRuns: 300 },
    );
    const good = encodeSafetensors(new Map([['w', { shape: [4], data: new Float32Array(4) }]]));
    expect(() => decodeSafetensors(good.subarray(0, good.length - 3))).toThrow(/outside the/);
  });

  it('checkpoint round trip restores params and Adam state; aliases are recorded', () => {
    const cfg = presetConfig('shared-all', { vision: { depth: 1 }, text: { depth: 1 } });
    const L = buildLayout(cfg);
    const n = L.totalElements;
    const state = { params: new Float32Array(n).map((_, i) => i * 0.5), m: new Float32Array(n).fill(1), v: new Float32Array(n).fill(2) };
    const bytes = writeCheckpoint(L, state, { config: cfg, tokenizer: { type: 'x' }, step: 7, seed: 3, hyper: DEFAULT_HYPER });
    const back = readCheckpoint(bytes, L);
    expect(back.meta.step).toBe(7);
    expect(back.meta.aliases['text.blocks.0.attn.qkv.w']).toBe('shared.blocks.0.attn.qkv.w');
    // padding between views is not stored; every real element is
    for (const v of L.views) {
      expect([...back.state!.params.subarray(v.offset, v.offset + v.size)]).toEqual([...state.params.subarray(v.offset, v.offset + v.size)]);
    }
    const other = buildLayout(presetConfig('separate', { vision: { depth: 1 }, text: { depth: 1 } }));
    expect(() => readCheckpoint(bytes, other)).toThrow(/missing tensor "vision.blocks.0/);
  });

  it('checkpoint metadata records the kernel table: the active one by default, or the one given; none: no key', () => {
    const cfg = presetConfig('shared-all', { vision: { depth: 1 }, text: { depth: 1 } });
    const L = buildLayout(cfg);
    const n = L.totalElements;
    const state = { params: new Float32Array(n), m: new Float32Array(n), v: new Float32Array(n) };
    const meta = { config: cfg, tokenizer: {}, step: 1, seed: 1, hyper: DEFAULT_HYPER };
    expect(readCheckpoint(writeCheckpoint(L, state, meta)).meta.kernels).toBeUndefined();
    const key = { adapter: 'SwiftShader', browser: 'test', kernelVersion: 'abc' };
    applyTable({ key, id: 'k', createdAt: 'now', tookMs: 5, truncated: false, entries: [{ family: 'matmul', shape: '3x5x7', best: 'vec4', ms: 0.5, times: { vec4: 0.5 } }] });
    try {
      const active = tableJson();
      expect(readCheckpoint(writeCheckpoint(L, state, meta)).meta.kernels).toEqual(active);
      expect(readCheckpoint(writeCheckpoint(L, state, { ...meta, kernels: null })).meta.kernels).toBeUndefined();
      expect(readCheckpoint(writeCheckpoint(L, state, { ...meta, kernels: { given: 1 } })).meta.kernels).toEqual({ given: 1 });
    } finally {
      applyTable(undefined);
    }
  });

  it('checkpoint stores BatchNorm running stats as buffers.*; a checkpoint without them keeps the initial values', () => {
    const cfg = presetConfig('ms-clip', { vision: { depth: 1 }, text: { depth: 1 } });
    const L = buildLayout(cfg);
    const BL = buildBufferLayout(cfg);
    expect(BL.totalElements).toBeGreaterThan(0);
    const n = L.totalElements;
    const state = { params: new Float32Array(n), m: new Float32Array(n), v: new Float32Array(n) };
    const values = new Float32Array(BL.totalElements).map((_, i) => 0.25 + i);
    const meta = { config: cfg, tokenizer: null, step: 1, seed: 1, hyper: DEFAULT_HYPER };
    const back = readCheckpoint(writeCheckpoint(L, { ...state, buffers: { layout: BL, values } }, meta), L, BL);
    for (const b of BL.views) {
      expect([...back.state!.buffers!.values.subarray(b.offset, b.offset + b.size)]).toEqual([...values.subarray(b.offset, b.offset + b.size)]);
    }
    const without = readCheckpoint(writeCheckpoint(L, state, meta), L, BL);
    expect([...without.state!.buffers!.values]).toEqual([...BL.initialValues()]);
  });
});
