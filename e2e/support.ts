// Shared pieces of the browser tests: tiny experiment hashes, a console watcher, and readers of the
// app's state (loss curves through the test hook, IndexedDB records) from the page.
import type { Page } from '@playwright/test';

/** A tiny experiment on the built-in data (16 px images, one-layer width-16 towers): trains in seconds on SwiftShader. */
export function tinyExperiment(over: { presets: string[]; seeds: number[]; hyper?: Record<string, number>; depth?: number; runs?: { preset: string; seed: number }[] }) {
  const depth = over.depth ?? 1;
  return {
    dataset: { kind: 'builtin', seed: 0, count: 128, valCount: 48, heldOutCount: 16, size: 16 },
    model: {
      vision: { imageSize: 16, patchSize: 8, width: 16, depth, heads: 2, mlpRatio: 2 },
      text: { width: 16, depth, heads: 2, mlpRatio: 2 },
      embedDim: 16,
    },
    loss: 'infonce',
    hyper: { batchSize: 16, steps: 6, logEvery: 3, evalEvery: 3, warmup: 1, ...over.hyper },
    presets: over.presets,
    seeds: over.seeds,
    runs: over.runs ?? over.presets.flatMap((preset) => over.seeds.map((seed) => ({ preset, seed }))),
  };
}

export const hashUrl = (experiment: unknown) => `/#${encodeURIComponent(JSON.stringify(experiment))}`;

/** Console errors/warnings and page errors of the session (assert it stays empty). */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${String(e)}`));
  return problems;
}

export type Curves = Record<string, [number, number][]>;

/** Each run's training-loss curve by label ([step, loss] rows), from the app's test hook. */
export const curves = (page: Page) => page.evaluate(() => (window as unknown as { __sharelab: { losses(): Curves } }).__sharelab.losses());

/** Every record of an IndexedDB object store (version-1 databases the app creates), read in the page. */
export const idbAll = <T>(page: Page, db: string, store: string) =>
  page.evaluate(
    ([d, s]) =>
      new Promise<T[]>((resolve) => {
        const req = indexedDB.open(d, 1);
        req.onupgradeneeded = () => req.transaction?.abort();
        req.onsuccess = () => {
          if (!req.result.objectStoreNames.contains(s)) {
            req.result.close();
            resolve([]);
            return;
          }
          const g = req.result.transaction(s, 'readonly').objectStore(s).getAll();
          g.onsuccess = () => {
            resolve(g.result as T[]);
            req.result.close();
          };
        };
        req.onerror = () => resolve([]);
      }),
    [db, store] as const,
  );

/**
 * A w×h 24-bit BMP (uncompressed, bottom-up rows of B, G, R padded to 4 bytes): the smallest image file a
 * browser decodes that a spec can write without a compressor. `px(x, y)` gives [r, g, b], y = 0 at the top.
 */
export function bmpImage(w: number, h: number, px: (x: number, y: number) => [number, number, number]): Uint8Array {
  const stride = Math.ceil((3 * w) / 4) * 4;
  const out = new Uint8Array(54 + stride * h);
  const v = new DataView(out.buffer);
  out.set([0x42, 0x4d]); // "BM"
  v.setUint32(2, out.length, true);
  v.setUint32(10, 54, true); // pixel data offset
  v.setUint32(14, 40, true); // BITMAPINFOHEADER
  v.setInt32(18, w, true);
  v.setInt32(22, h, true); // positive: bottom-up
  v.setUint16(26, 1, true);
  v.setUint16(28, 24, true);
  v.setUint32(34, stride * h, true);
  for (let y = 0; y < h; y++) {
    const row = 54 + (h - 1 - y) * stride;
    for (let x = 0; x < w; x++) {
      const [r, g, b] = px(x, y);
      out.set([b, g, r], row + 3 * x);
    }
  }
  return out;
}
