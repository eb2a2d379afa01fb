/// <reference lib="webworker" />
// Lays out embeddings with UMAP off the main thread (about 2 s for 1,000 points): the page stays
// responsive. One request at a time; each answer carries the request's key.
import { umap2 } from '../../analysis/umap';

export interface UmapRequest {
  key: string;
  x: Float32Array;
  N: number;
  D: number;
  seed: number;
}
export type UmapReply = { key: string; y: Float32Array } | { key: string; error: string };

self.onmessage = (ev: MessageEvent<UmapRequest>) => {
  const { key, x, N, D, seed } = ev.data;
  let reply: UmapReply;
  try {
    reply = { key, y: umap2(x, N, D, { seed }) };
  } catch (e) {
    reply = { key, error: String(e instanceof Error ? e.message : e) };
  }
  (self as unknown as Worker).postMessage(reply);
};
