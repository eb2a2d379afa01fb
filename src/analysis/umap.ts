// 2-D UMAP (McInnes et al. 2018, via the umap-js library) of embedding rows, seeded so the same input
// and seed give the same map. The embedding map offers it beside PCA: PCA keeps global distances
// (the modality gap stays visible), UMAP keeps local neighbourhoods (clusters of similar items).
import { UMAP } from 'umap-js';
import { Rng } from '../util/rng';

export interface UmapOptions {
  /** Seed of the layout's PRNG (initialisation, negative sampling, the NN-descent trees). Default 0. */
  seed?: number;
  /** Neighbours per point (local vs global structure). Default 15, capped at N − 1. */
  nNeighbors?: number;
  /** Minimum distance between points in the layout. Default 0.1. */
  minDist?: number;
  /** Optimisation epochs. Default: umap-js's choice (500 for N ≤ 2,500, else 200). */
  nEpochs?: number;
}

/** Rows (N, D) → (N, 2) UMAP coordinates, row-major. N < 3 gives zeros (nothing to lay out). */
export function umap2(x: ArrayLike<number>, N: number, D: number, opts: UmapOptions = {}): Float32Array {
  const out = new Float32Array(N * 2);
  if (N < 3) return out;
  const rows: number[][] = Array.from({ length: N }, (_, i) => Array.from({ length: D }, (_, k) => x[i * D + k]));
  const rng = new Rng(opts.seed ?? 0);
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.max(2, Math.min(opts.nNeighbors ?? 15, N - 1)),
    minDist: opts.minDist ?? 0.1,
    nEpochs: opts.nEpochs,
    random: () => rng.next(),
  });
  const y = umap.fit(rows);
  for (let i = 0; i < N; i++) {
    out[2 * i] = y[i][0];
    out[2 * i + 1] = y[i][1];
  }
  return out;
}
