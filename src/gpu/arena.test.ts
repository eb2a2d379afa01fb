import { describe, expect, it } from 'vitest';
import { ArenaLayout, initialValues } from './arena';
import { ALIGN_ELEMS } from './tensor';

describe('ArenaLayout', () => {
  it('aligns every view for direct binding and counts real parameters', () => {
    const L = new ArenaLayout();
    const a = L.add('a', { shape: [3, 5], init: { kind: 'const', value: 1 }, decay: true });
    const b = L.add('b', { shape: [7], init: { kind: 'const', value: 0 }, decay: false });
    expect(a.offset).toBe(0);
    expect(b.offset % ALIGN_ELEMS).toBe(0);
    expect(b.offset).toBe(ALIGN_ELEMS);
    expect(L.paramCount).toBe(22);
  });

  it('aliases share the offset: two names, one storage', () => {
    const L = new ArenaLayout();
    L.add('vision.attn.w', { shape: [8, 8], init: { kind: 'normal', std: 0.02 }, decay: true });
    L.alias('text.attn.w', 'vision.attn.w');
    expect(L.get('text.attn.w').offset).toBe(L.get('vision.attn.w').offset);
    expect(L.paramCount).toBe(64);
    expect(() => L.alias('text.attn.w', 'vision.attn.w')).toThrow(/already exists/);
  });

  it('optimiser-group mask: decayed blocks 1 (specific) or 2 (shared, aliased), no-decay blocks 0', () => {
    const L = new ArenaLayout();
    L.add('w', { shape: [100], init: { kind: 'const', value: 0 }, decay: true });
    L.add('g', { shape: [10], init: { kind: 'const', value: 1 }, decay: false });
    L.add('shared.w', { shape: [64], init: { kind: 'const', value: 0 }, decay: true });
    L.alias('vision.w', 'shared.w');
    L.add('shared.b', { shape: [4], init: { kind: 'const', value: 0 }, decay: false });
    L.alias('vision.b', 'shared.b');
    expect([...L.groupBlocks()]).toEqual([1, 1, 0, 2, 0]);
  });

  it('initial values are deterministic and follow each init kind', () => {
    const L = new ArenaLayout();
    L.add('c', { shape: [4], init: { kind: 'const', value: 2 }, decay: false });
    L.add('n', { shape: [1000], init: { kind: 'normal', std: 0.5 }, decay: true });
    let s = 1;
    const u = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    const v = initialValues(L, () => u() * 2 - 1, u);
    expect([...v.subarray(0, 4)]).toEqual([2, 2, 2, 2]);
    expect(v[4]).toBe(0); // padding stays zero
  });
});
