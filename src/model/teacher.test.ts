import { describe, expect, it } from 'vitest';
import { Rng, randArray } from '../util/rng';
import { initialValues } from '../gpu/arena';
import { compareArrays } from '../testing/compare';
import { dot, numericalGradient } from '../testing/finite-diff';
import type { ClipConfig } from './config';
import { buildLayout, paramCounts } from './params';
import { presetConfig } from './registry';
import { ADAPTER, adapterBackwardRef, adapterForwardRef, gatherRowsRef, teacherLossRef } from './teacher';
import { configProblems } from './validate';

const FD = { atol: 1e-8, rtol: 1e-6 };

function cfgOf(adapter: 'linear' | 'mlp', extra: Partial<ClipConfig> = {}): ClipConfig {
  return {
    ...presetConfig('separate', {
      vision: { imageSize: 8, patchSize: 4, width: 8, depth: 1, heads: 2, mlpRatio: 2 },
      text: { contextLength: 5, vocabSize: 11, width: 8, depth: 1, heads: 2, mlpRatio: 2 },
      embedDim: 4,
    }),
    teacher: { dim: 6, adapter, hidden: adapter === 'mlp' ? 5 : undefined },
    ...extra,
  };
}

function params(cfg: ClipConfig, seed: number) {
  const layout = buildLayout(cfg);
  const rng = new Rng(seed);
  const flat = Float64Array.from(initialValues(layout, () => rng.normal(), () => rng.next()));
  // Non-zero biases so their gradients are exercised away from the initial point.
  for (let i = 0; i < flat.length; i++) flat[i] += 0.1 * rng.normal();
  const get = (name: string) => {
    const v = layout.get(name);
    return flat.subarray(v.offset, v.offset + v.size);
  };
  return { layout, flat, P: get };
}

describe('teacher adapter (CPU reference)', () => {
  for (const adapter of ['linear', 'mlp'] as const) {
    it(`${adapter}: hand-derived backward matches finite differences (params and input)`, () => {
      const cfg = cfgOf(adapter);
      const { P } = params(cfg, 3);
      const B = 3;
      const rng = new Rng(9);
      const f = Float64Array.from(randArray(rng, B * 6));
      const w = Float64Array.from(randArray(rng, B * cfg.embedDim));
      const { grads, df } = adapterBackwardRef(cfg, P, f, B, w);
      const names = adapter === 'linear' ? [ADAPTER.w, ADAPTER.b] : [ADAPTER.fcW, ADAPTER.fcB, ADAPTER.projW, ADAPTER.projB];
      expect(Object.keys(grads).sort()).toEqual([...names].sort());
      for (const name of names) {
        const view = P(name);
        const fd = numericalGradient((x) => {
          const saved = Float64Array.from(view);
          view.set(x);
          const out = dot(adapterForwardRef(cfg, P, f, B).emb, w);
          view.set(saved);
          return out;
        }, view);
        const c = compareArrays(grads[name], fd, FD);
        expect(c.ok, `${name}: ${c.message}`).toBe(true);
      }
      const fdF = numericalGradient((x) => dot(adapterForwardRef(cfg, P, x, B).emb, w), f);
      expect(compareArrays(df, fdF, FD).ok).toBe(true);
    });
  }

  it('outputs unit-norm embeddings and gathers the right rows', () => {
    const cfg = cfgOf('mlp');
    const { P } = params(cfg, 1);
    const table = Float64Array.from({ length: 4 * 6 }, (_, i) => i);
    const f = gatherRowsRef(table, 6, [2, 0, 2]);
    expect(Array.from(f.subarray(0, 6))).toEqual([12, 13, 14, 15, 16, 17]);
    expect(Array.from(f.subarray(6, 12))).toEqual([0, 1, 2, 3, 4, 5]);
    const { emb } = adapterForwardRef(cfg, P, f, 3);
    for (let b = 0; b < 3; b++) expect(Math.hypot(...emb.subarray(b * 4, b * 4 + 4))).toBeCloseTo(1, 12);
  });

  it('whole teacher loss is finite for both losses and has no gradient path into the table', () => {
    for (const loss of ['infonce', 'siglip'] as const) {
      const cfg = cfgOf('linear', { loss });
      const { P } = params(cfg, 2);
      const rng = new Rng(4);
      const r = teacherLossRef(cfg, P, { images: randArray(rng, 2 * 3 * 64), table: randArray(rng, 5 * 6), rows: [4, 1], B: 2 });
      expect(Number.isFinite(r.loss)).toBe(true);
      expect(r.txt.length).toBe(2 * 4);
    }
  });
});

describe('teacher layout and validation', () => {
  it('has no text tower in the arena, only the adapter', () => {
    const cfg = cfgOf('mlp');
    const L = buildLayout(cfg);
    const names = L.views.flatMap((v) => v.names);
    expect(names.filter((n) => n.startsWith('text.')).sort()).toEqual([ADAPTER.fcB, ADAPTER.fcW, ADAPTER.projB, ADAPTER.projW].sort());
    expect(names.some((n) => n.startsWith('shared.'))).toBe(false);
    // fc (5×6 + 5) + proj (4×5 + 4)
    expect(paramCounts(L).textOnly).toBe(30 + 5 + 20 + 4);
    const lin = paramCounts(buildLayout(cfgOf('linear')));
    expect(lin.textOnly).toBe(4 * 6 + 4);
  });

  it('validates teacher fields and refuses shared presets', () => {
    expect(configProblems(cfgOf('linear'))).toEqual([]);
    expect(configProblems({ ...cfgOf('linear'), teacher: { dim: 0, adapter: 'linear' } })[0]).toMatch(/^teacher\.dim/);
    expect(configProblems({ ...cfgOf('linear'), teacher: { dim: 4, adapter: 'deep' } })[0]).toMatch(/^teacher\.adapter/);
    expect(configProblems({ ...cfgOf('linear'), teacher: 7 })[0]).toMatch(/^teacher: must be an object/);
    const shared = { ...presetConfig('shared-all', { text: { width: 64 } }), teacher: { dim: 4, adapter: 'linear' as const } };
    expect(configProblems(shared)[0]).toMatch(/no text tower to share/);
    expect(() => buildLayout(shared)).toThrow(/sharing must be "separate"/);
  });
});
