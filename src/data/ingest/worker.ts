/// <reference lib="webworker" />
// The upload worker: reads the dropped files, parses, decodes with createImageBitmap (off the main
// thread), writes preprocessed tensors to IndexedDB and answers with the report, statistics and a
// preview. One load at a time; the UI terminates the worker to cancel.
import { IdbUploadStore } from './cache';
import { decodeToRgba } from './decode';
import { type UploadEntry, runPipeline } from './pipeline';
import type { FromIngest, HeapSample, ToIngest } from './protocol';

const post = (m: FromIngest, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);
const store = new IdbUploadStore();

let peak = 0;
function heap(): HeapSample | undefined {
  const m = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
  if (!m) return undefined;
  peak = Math.max(peak, m.usedJSHeapSize);
  return { used: m.usedJSHeapSize, peak };
}

self.onmessage = async (ev: MessageEvent<ToIngest>) => {
  const m = ev.data;
  if (m.type !== 'load') return;
  peak = 0;
  const sampler = setInterval(heap, 250);
  try {
    // Chunks of loads cancelled (or crashed) over ten minutes ago: free their space.
    await store.prune(10 * 60_000).catch(() => 0);
    const entries: UploadEntry[] = m.files.map(({ path, file }) => ({
      path,
      size: file.size,
      blob: file,
      read: async () => new Uint8Array(await file.arrayBuffer()),
    }));
    const result = await runPipeline(
      entries,
      { name: m.name, size: m.size, contextLength: m.contextLength, vocabSize: m.vocabSize },
      { store, decode: decodeToRgba, onProgress: (progress) => post({ type: 'progress', progress, heap: heap() }) },
    );
    post({ type: 'loaded', result, heap: heap() }, [result.preview.rgba.buffer]);
  } catch (e) {
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  } finally {
    clearInterval(sampler);
  }
};
