// Pure parts of the matmul launcher: which kernels apply to which shapes, what 'auto' picks, the
// workgroup shapes, and the CPU reference on a hand-computed case (Node, no GPU).
import { describe, expect, it } from 'vitest';
import { type MatmulShape, applicableKernels, autoKernel, kernelApplies, matmulRef, workgroupFor } from './matmul';

const fwd = (M: number, N: number, K: number): MatmulShape => ({ M, N, K, transB: true });
const dX = (M: number, N: number, K: number): MatmulShape => ({ M, N, K });
const dW = (M: number, N: number, K: number): MatmulShape => ({ M, N, K, transA: true });

describe('matmul kernel selection', () => {
  it('picks the barrier-free vec4 kernel of each layout on aligned shapes', () => {
    expect(autoKernel(fwd(544, 96, 32))).toBe('vec4');
    expect(autoKernel(dX(544, 32, 96))).toBe('vec4nn');
    expect(autoKernel(dW(96, 32, 544))).toBe('vec4tn');
    expect(autoKernel(dX(2048, 2048, 2048))).toBe('vec4nn');
  });

  it('falls back to the scalar kernels where vec4 alignment fails', () => {
    expect(autoKernel(fwd(17, 33, 65))).toBe('direct'); // K % 4 ≠ 0
    expect(autoKernel(dX(17, 33, 64))).toBe('direct'); // N % 4 ≠ 0
    expect(autoKernel(dW(33, 64, 17))).toBe('direct'); // M % 4 ≠ 0
    expect(autoKernel(dX(127, 3, 1089))).toBe('tiled'); // large K
    expect(autoKernel({ M: 64, N: 64, K: 64, transA: true, transB: true })).toBe('direct'); // Aᵀ·Bᵀ has no vec4 kernel
  });

  it('needs 4-aligned batch strides for the vec4 views', () => {
    expect(kernelApplies('vec4nn', { ...dX(8, 8, 8), strideA: 66 })).toBe(false);
    expect(kernelApplies('vec4nn', { ...dX(8, 8, 8), strideB: 0 })).toBe(true); // broadcast B
    expect(kernelApplies('vec4', { ...fwd(8, 8, 8), strideB: 6 })).toBe(false);
  });

  it('lists every kernel that applies; direct and tiled apply everywhere', () => {
    expect(applicableKernels(dW(32, 192, 512))).toEqual(['tiled', 'direct', 'tiled4', 'tiled128', 'vec4tn']);
    expect(applicableKernels(fwd(3, 17, 33))).toEqual(['tiled', 'direct']);
    expect(applicableKernels({ M: 20, N: 12, K: 40, transA: true, transB: true })).toEqual(['tiled', 'direct', 'tiled4', 'tiled128']);
  });

  it('sizes workgroups to keep ≥ 8 of them and no idle columns', () => {
    expect(workgroupFor(1088, 256, 8, 8)).toEqual({ WX: 8, WY: 8 });
    expect(workgroupFor(544, 32, 4, 8)).toEqual({ WX: 4, WY: 16 }); // 4 column blocks across
    expect(workgroupFor(96, 32, 16, 8)).toEqual({ WX: 4, WY: 4 }); // 24 blocks → 16 invocations per group
    expect(workgroupFor(4, 4, 16, 8)).toEqual({ WX: 1, WY: 16 });
  });
});

describe('matmulRef', () => {
  it('computes op(A)·op(B) with bias, alpha and accumulation', () => {
    // A (2×3), B (3×2): [[1,2,3],[4,5,6]]·[[1,0],[0,1],[1,1]] = [[4,5],[10,11]]
    const a = [1, 2, 3, 4, 5, 6];
    const b = [1, 0, 0, 1, 1, 1];
    expect([...matmulRef(a, b, 2, 2, 3)]).toEqual([4, 5, 10, 11]);
    // Aᵀ: the same A stored transposed (3×2).
    const at = [1, 4, 2, 5, 3, 6];
    expect([...matmulRef(at, b, 2, 2, 3, { transA: true })]).toEqual([4, 5, 10, 11]);
    // Bᵀ stored (2×3), alpha 2, bias [1, -1], accumulate onto c.
    const bt = [1, 0, 1, 0, 1, 1];
    expect([...matmulRef(a, bt, 2, 2, 3, { transB: true, alpha: 2, bias: [1, -1], accumulate: true, c: [1, 1, 1, 1] })]).toEqual([10, 10, 22, 22]);
  });
});
