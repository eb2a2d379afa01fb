// Seeded train/val split for any dataset (the built-in one has its own structural split, see
// builtin/generate.ts). Deterministic by (n, valFraction, seed); indices come back sorted.

import { Rng } from '../util/rng';

export interface Split {
  train: number[];
  val: number[];
}

/**
 * Shuffle 0..n−1 with Rng(seed) and put the first round(n·valFraction) in val. With n ≥ 2 and
 * 0 < valFraction < 1, both sides get at least one index.
 */
export function makeSplit(n: number, valFraction: number, seed: number): Split {
  if (!Number.isInteger(n) || n < 0) throw new Error(`n must be a non-negative integer, got ${n}`);
  if (!(valFraction >= 0 && valFraction <= 1)) throw new Error(`valFraction must be in [0, 1], got ${valFraction}`);
  let nVal = Math.round(n * valFraction);
  if (n >= 2 && valFraction > 0 && valFraction < 1) nVal = Math.min(n - 1, Math.max(1, nVal));
  const order = new Rng(seed).shuffle(Array.from({ length: n }, (_, i) => i));
  const byIndex = (a: number, b: number) => a - b;
  return { val: order.slice(0, nVal).sort(byIndex), train: order.slice(nVal).sort(byIndex) };
}
