// Small statistics helpers for the benchmarks (pure).

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** Median absolute deviation relative to the median (a robust spread; 0.05 = ±5 %). */
export function relSpread(xs: readonly number[]): number {
  const m = median(xs);
  return median(xs.map((x) => Math.abs(x - m))) / m;
}

/** Rotate `items` by `r` so that no implementation always runs first within a repetition. */
export function rotate<T>(items: readonly T[], r: number): T[] {
  const k = ((r % items.length) + items.length) % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}
