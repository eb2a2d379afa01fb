// Pure pieces of the benchmarks: statistics, the hand-written ONNX encoding, the 'auto' kernel pick.
import { describe, expect, it } from 'vitest';
import { pickedKernel } from './matmul-bench';
import { matmulModel } from './onnx-model';
import { median, relSpread, rotate } from './stats';

describe('bench helpers', () => {
  it('median / spread / rotate', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(relSpread([10, 10, 10])).toBe(0);
    expect(rotate([1, 2, 3], 4)).toEqual([2, 3, 1]);
  });

  it('encodes a MatMul / Gemm model with the expected protobuf framing', () => {
    const m = matmulModel({ M: 544, N: 96, K: 32 });
    expect(m.op).toBe('MatMul');
    expect([...m.bytes.slice(0, 2)]).toEqual([0x08, 0x08]); // field 1 (ir_version), varint 8
    const text = new TextDecoder().decode(m.bytes);
    expect(text).toContain('MatMul');
    const g = matmulModel({ M: 32, N: 96, K: 544, transA: true });
    expect(g.op).toBe('Gemm');
    expect(g.aDims).toEqual([544, 32]);
    expect(new TextDecoder().decode(g.bytes)).toContain('transA');
  });

  it('reports which kernel auto picks', () => {
    expect(pickedKernel({ name: '', group: 'train', M: 544, N: 96, K: 32 })).toBe('direct');
    expect(pickedKernel({ name: '', group: 'train', M: 544, N: 32, K: 96, transB: true })).toBe('vec4');
    expect(pickedKernel({ name: '', group: 'square', M: 2048, N: 2048, K: 2048 })).toBe('tiled');
  });
});
