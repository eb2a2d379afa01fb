import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng';
import { umap2 } from './umap';

/** n points around each of `k` well-separated centres in D dims (unit-normalised like embeddings). */
function clusters(k: number, n: number, D: number, seed: number) {
  const rng = new Rng(seed);
  const centres = Array.from({ length: k }, () => Array.from({ length: D }, () => rng.normal()));
  const x = new Float32Array(k * n * D);
  const label: number[] = [];
  for (let c = 0; c < k; c++)
    for (let i = 0; i < n; i++) {
      const row = centres[c].map((v) => v + 0.15 * rng.normal());
      const norm = Math.hypot(...row);
      x.set(row.map((v) => v / norm), (c * n + i) * D);
      label.push(c);
    }
  return { x, label, N: k * n };
}

const dist = (y: Float32Array, i: number, j: number) => Math.hypot(y[2 * i] - y[2 * j], y[2 * i + 1] - y[2 * j + 1]);

describe('umap2', () => {
  it('is deterministic given its seed, and the seed matters', () => {
    const { x, N } = clusters(3, 20, 8, 1);
    const a = umap2(x, N, 8, { seed: 4, nEpochs: 100 });
    const b = umap2(x, N, 8, { seed: 4, nEpochs: 100 });
    const c = umap2(x, N, 8, { seed: 5, nEpochs: 100 });
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    expect(a.length).toBe(2 * N);
    for (const v of a) expect(Number.isFinite(v)).toBe(true);
  });

  it('keeps clusters together: every point’s nearest layout neighbour is from its own cluster', () => {
    const { x, label, N } = clusters(3, 25, 16, 2);
    const y = umap2(x, N, 16, { seed: 1, nEpochs: 200 });
    let same = 0;
    for (let i = 0; i < N; i++) {
      let best = -1;
      let bd = Infinity;
      for (let j = 0; j < N; j++) {
        if (j === i) continue;
        const d = dist(y, i, j);
        if (d < bd) {
          bd = d;
          best = j;
        }
      }
      if (label[best] === label[i]) same++;
    }
    expect(same / N).toBeGreaterThan(0.95);
    // Mean within-cluster distance well below mean between-cluster distance.
    let w = 0;
    let nw = 0;
    let b = 0;
    let nb = 0;
    for (let i = 0; i < N; i++)
      for (let j = i + 1; j < N; j++) {
        if (label[i] === label[j]) {
          w += dist(y, i, j);
          nw++;
        } else {
          b += dist(y, i, j);
          nb++;
        }
      }
    expect(w / nw).toBeLessThan(0.5 * (b / nb));
  });

  it('handles tiny inputs (fewer points than neighbours)', () => {
    const { x, N } = clusters(2, 3, 4, 3);
    const y = umap2(x, N, 4, { seed: 0 });
    expect(y.length).toBe(12);
    for (const v of y) expect(Number.isFinite(v)).toBe(true);
    expect(umap2(x, 2, 4)).toEqual(new Float32Array(4));
  });
});
