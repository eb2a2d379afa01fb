import { describe, expect, it } from 'vitest';
import { MODULES, paramsByModule } from './modules';
import { buildLayout } from './params';
import { PRESET_NAMES, presetConfig } from './registry';

describe('paramsByModule', () => {
  it('every preset: the modules add up to the arena’s parameter count', () => {
    for (const p of PRESET_NAMES) {
      const L = buildLayout(presetConfig(p));
      const by = paramsByModule(L);
      expect(Object.keys(by)).toEqual([...MODULES]);
      expect(Object.values(by).reduce((a, b) => a + b, 0)).toBe(L.paramCount);
    }
  });

  it('ms-clip at depth 4: conv stem, branch and two fusions present; separate: none of them, no shared weights', () => {
    const ms = paramsByModule(buildLayout(presetConfig('ms-clip')));
    expect(ms.stem).toBeGreaterThan(0);
    expect(ms.branch).toBeGreaterThan(0);
    expect(ms.fusion).toBeGreaterThan(0);
    expect(ms.shared).toBe(3 * (12 * 64 * 64 + 9 * 64)); // blocks 1..3: attention + MLP weights and biases (LNs stay specific)
    expect(ms.adapter).toBe(0);
    const sep = paramsByModule(buildLayout(presetConfig('separate')));
    expect([sep.branch, sep.fusion, sep.shared]).toEqual([0, 0, 0]);
    expect(sep.stem).toBe(64 * 3 * 8 * 8); // the linear patch embedding, no bias
    expect(sep.projections).toBe(2 * 64 * 64);
    expect(sep.loss).toBe(1);
  });

  it('teacher mode: the adapter is its own module and there is no text tower', () => {
    const L = buildLayout({ ...presetConfig('separate'), teacher: { dim: 32, adapter: 'linear' } });
    const by = paramsByModule(L);
    expect(by.adapter).toBe(64 * 32 + 64);
    expect(by.textTower).toBe(0);
  });
});
