// UMAP layouts of runs' validation embeddings, computed by one background worker and cached by run
// and evaluation step. Components subscribe with useUmap(run): undefined while computing.
import { useEffect, useSyncExternalStore } from 'react';
import type { RunInfo } from '../../store/runsSlice';
import type { UmapReply, UmapRequest } from './umap.worker';

/** The layout's seed: the same embeddings always give the same map. */
export const UMAP_SEED = 0;

type Entry = { y: Float32Array } | { error: string } | 'pending';
const cache = new Map<string, Entry>();
const listeners = new Set<() => void>();
let worker: Worker | null = null;
let version = 0;

function notify() {
  version++;
  for (const l of listeners) l();
}

function request(key: string, image: Float32Array, text: Float32Array, N: number, D: number) {
  if (cache.has(key)) return;
  cache.set(key, 'pending');
  if (!worker) {
    worker = new Worker(new URL('./umap.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (ev: MessageEvent<UmapReply>) => {
      const r = ev.data;
      cache.set(r.key, 'y' in r ? { y: r.y } : { error: r.error });
      notify();
    };
  }
  const x = new Float32Array(2 * N * D);
  x.set(image.subarray(0, N * D));
  x.set(text.subarray(0, N * D), N * D);
  const msg: UmapRequest = { key, x, N: 2 * N, D, seed: UMAP_SEED };
  worker.postMessage(msg, [x.buffer]);
}

const keyOf = (run: RunInfo) => (run.snapshot?.embeddings ? `${run.id}@${run.snapshot.metrics.step}` : null);

/**
 * The run's latest evaluation laid out by UMAP: (2n, 2) coordinates, images first then captions;
 * undefined while computing (or when `enabled` is false), an error message if it failed.
 */
export function useUmap(run: RunInfo, enabled: boolean): Float32Array | { error: string } | undefined {
  const key = keyOf(run);
  const snap = run.snapshot;
  useEffect(() => {
    const e = snap?.embeddings;
    if (enabled && key && e && snap) request(key, e.image, e.text, snap.projection.n, e.D);
  }, [enabled, key, snap]);
  useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => version,
  );
  if (!enabled || !key) return undefined;
  const e = cache.get(key);
  return e === undefined || e === 'pending' ? undefined : 'y' in e ? e.y : e;
}
