// The upload pipeline, streaming end to end (runs in the upload worker; Node tests inject a decoder
// and a memory store):
//   1. read   every file once: caption/metadata files and archives are kept; an image is probed
//             (type, structure, FNV hash) and its bytes let go — only paths, probes and text stay.
//   2. parse  ingest() pairs images with captions and writes the validation report.
//   3. id     SHA-256 of (image hash, captions) of every pair, in order: the cache key.
//   4. decode unless tensors for (id, S) are already cached: each image is decoded straight from
//             its File (no copy; archive members from their bytes) with createImageBitmap,
//             centre-cropped and resized to S×S, packed as (3, S, S) uint8
//             into a chunk; full chunks go to IndexedDB at once. At most one chunk and a window of
//             in-flight images are in memory, whatever the number of pairs.
//   5. stats  tokenizer trained on the captions, caption-length histogram, truncation count.
// Failures of single items become report entries; only a storage failure ends the load.
import { BpeTokenizer } from '../tokenizer';
import { archiveKind } from './archive';
import type { TensorMeta, UploadDetail, UploadStore, UploadSummary } from './cache';
import { tensorKey } from './cache';
import { contentHash } from './hash';
import { ingest, isLitter } from './ingest';
import { type InferredLabels, inferLabels } from './labels';
import { PREPROCESS_VERSION, chunkSizeFor, etaSeconds, locate, rgbaToU8Chw, spreadIndices, u8ChwToRgba } from './preprocess';
import { probeImage, sizeOnlyProbe } from './probe';
import { type UploadStats, uploadStats } from './stats';
import { normPath } from './text';
import { DEFAULT_MAX_FILE_BYTES, type IngestReport, SKIP_REASONS, type Skip, type SkipReason, type VirtualFile } from './types';

/** One dropped/picked file: its path in the upload and a way to (re)read it (File.arrayBuffer). */
export interface UploadEntry {
  path: string;
  size: number;
  read(): Promise<Uint8Array>;
  /**
   * The file itself (a disk-backed File): decoded directly, so no copy of its bytes is made. A Blob
   * built from bytes instead costs memory V8 does not see, and 50,000 of them pile up before any GC.
   */
  blob?: Blob;
}

export type Phase = 'reading' | 'parsing' | 'decoding' | 'stats';

export interface Progress {
  phase: Phase;
  done: number;
  total: number;
  /** Since the phase started. */
  elapsedMs: number;
  etaS: number | null;
}

export interface PipelineOptions {
  name: string;
  /** Model image side S: images are stored as (3, S, S). */
  size: number;
  contextLength: number;
  vocabSize: number;
  maxFileBytes?: number;
  /** Images decoded at once (createImageBitmap runs on the browser's decoder threads). */
  concurrency?: number;
  chunkSize?: number;
  previewCount?: number;
}

export interface PipelineDeps {
  store: UploadStore;
  /** Image bytes or file → (S, S, 4) RGBA; throws an error with a `reason` (DecodeError) to skip it. */
  decode(src: Uint8Array | Blob, size: number): Promise<ArrayLike<number>>;
  sha256?(bytes: Uint8Array): Promise<string>;
  now?(): number;
  onProgress?(p: Progress): void;
}

export interface Preview {
  size: number;
  /** (k, S, S, 4) */
  rgba: Uint8ClampedArray;
  captions: string[][];
  paths: string[];
}

export interface LoadResult {
  id: string;
  name: string;
  size: number;
  /** Tensors were already cached for (id, size): nothing was decoded. */
  cached: boolean;
  report: IngestReport;
  stats: UploadStats;
  /** Class names when labels were inferred from class folders (zero-shot), else null. */
  classes: string[] | null;
  /** Images stored (= report.loaded). */
  count: number;
  preview: Preview;
  timings: { readMs: number; parseMs: number; decodeMs: number; statsMs: number; totalMs: number };
}

const TEXT = /\.(txt|csv|tsv|json|jsonl)$/i;
const ARCHIVE_NAME = /\.(zip|tar|tgz|gz)$/i;
const EMPTY = new Uint8Array(0);
const utf8 = new TextEncoder();

/** Run f over items with at most `limit` in flight; results in item order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, f: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, run));
  return out;
}

/** The upload's content id: SHA-256 over (image hash, captions) per pair, in pair order. */
export async function uploadId(pairs: readonly { hash: string; captions: readonly string[] }[], sha256: (b: Uint8Array) => Promise<string> = contentHash): Promise<string> {
  const canon = JSON.stringify(['sharelab-upload/1', pairs.map((p) => [p.hash, p.captions])]);
  return sha256(utf8.encode(canon));
}

function addSkips(report: IngestReport, skips: Skip[]) {
  for (const s of skips) {
    report.skipped.push(s);
    report.counts[s.reason]++;
  }
}

const reasonOf = (e: unknown): SkipReason => {
  const r = (e as { reason?: unknown })?.reason;
  return typeof r === 'string' && (SKIP_REASONS as readonly string[]).includes(r) ? (r as SkipReason) : 'undecodable-image';
};

/** Thumbnails of `count` stored images spread over the set, read back one chunk at a time. */
async function readPreview(store: UploadStore, meta: TensorMeta, kept: readonly { imagePath: string; captions: string[] }[], count: number): Promise<Preview> {
  const S = meta.size;
  const at = meta.count ? spreadIndices(meta.count, count) : [];
  const rgba = new Uint8ClampedArray(at.length * S * S * 4);
  let chunkIndex = -1;
  let data: Uint8Array | undefined;
  const shown: number[] = [];
  for (const i of at) {
    const { chunk, slot } = locate(i, meta.chunkSize);
    if (chunk !== chunkIndex) {
      data = await store.getChunk(meta.id, S, chunk);
      chunkIndex = chunk;
    }
    if (!data) continue;
    u8ChwToRgba(data, slot * 3 * S * S, S, rgba, shown.length * S * S * 4);
    shown.push(i);
  }
  return {
    size: S,
    rgba: rgba.slice(0, shown.length * S * S * 4),
    captions: shown.map((i) => kept[i].captions),
    paths: shown.map((i) => kept[i].imagePath),
  };
}

export async function runPipeline(entries: readonly UploadEntry[], opts: PipelineOptions, deps: PipelineDeps): Promise<LoadResult> {
  const now = deps.now ?? (() => performance.now());
  const sha256 = deps.sha256 ?? contentHash;
  const S = opts.size;
  const maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const conc = opts.concurrency ?? 4;
  const t0 = now();
  let phaseStart = t0;
  let lastPost = -Infinity;
  const progress = (phase: Phase, done: number, total: number, force = false) => {
    const t = now();
    if (!force && t - lastPost < 100 && done < total) return;
    lastPost = t;
    deps.onProgress?.({ phase, done, total, elapsedMs: t - phaseStart, etaS: etaSeconds(done, total, t - phaseStart) });
  };

  // ---- 1. read and probe
  const files: VirtualFile[] = new Array(entries.length);
  const lazy = new Map<string, UploadEntry>();
  const readSkips: Skip[] = [];
  let readDone = 0;
  progress('reading', 0, entries.length, true);
  await mapLimit(entries, 8, async (e, i) => {
    const path = e.path;
    try {
      if (isLitter(normPath(path))) files[i] = { path, bytes: EMPTY };
      else if (TEXT.test(path)) files[i] = { path, bytes: await e.read() };
      else if (e.size > maxFileBytes && !ARCHIVE_NAME.test(path)) files[i] = { path, bytes: EMPTY, probe: sizeOnlyProbe(e.size) };
      else {
        const bytes = await e.read();
        if (archiveKind({ path, bytes })) files[i] = { path, bytes };
        else {
          files[i] = { path, bytes: EMPTY, probe: probeImage(bytes) };
          lazy.set(normPath(path), e);
        }
      }
    } catch (err) {
      files[i] = { path, bytes: EMPTY };
      readSkips.push({ file: path, reason: TEXT.test(path) ? 'malformed-metadata' : 'undecodable-image', detail: `could not read the file: ${(err as Error).message}` });
    }
    progress('reading', ++readDone, entries.length);
  });
  const readMs = now() - t0;

  // ---- 2. parse
  phaseStart = now();
  progress('parsing', 0, 1, true);
  const result = ingest(files.filter((f) => !readSkips.some((s) => s.file === f.path)), { maxFileBytes });
  files.length = 0; // archives and text files: let them go
  addSkips(result.report, readSkips);
  const pairs = result.pairs;
  const parseMs = now() - phaseStart;
  progress('parsing', 1, 1, true);

  // ---- 3. content id, labels
  const id = await uploadId(
    pairs.map((p) => ({ hash: result.hashes.get(p.imagePath)!, captions: p.captions })),
    sha256,
  );
  const labels: InferredLabels | null = inferLabels(pairs.map((p) => p.imagePath));

  // ---- 4. decode (or find the cache)
  phaseStart = now();
  const tDecode = now();
  let meta = await deps.store.getTensors(id, S);
  const cached = !!meta?.complete && meta.version === PREPROCESS_VERSION && meta.count + meta.dropped.length === pairs.length;
  if (cached && meta) progress('decoding', pairs.length, pairs.length, true);
  else {
    const chunkSize = opts.chunkSize ?? chunkSizeFor(S);
    const px3 = 3 * S * S;
    const dropped: number[] = [];
    const decodeSkips: Skip[] = [];
    let buf = new Uint8Array(chunkSize * px3);
    let inBuf = 0;
    let chunks = 0;
    let count = 0;
    const flush = async () => {
      if (inBuf === 0) return;
      await deps.store.putChunk(id, S, chunks++, inBuf === chunkSize ? buf : buf.slice(0, inBuf * px3));
      buf = new Uint8Array(chunkSize * px3);
      inBuf = 0;
    };
    const window = Math.max(conc * 8, 32);
    const startedAt = Date.now();
    // An incomplete entry first, so chunks of a cancelled load can be found and pruned later.
    const base = { key: tensorKey(id, S), id, size: S, version: PREPROCESS_VERSION, chunkSize, startedAt };
    await deps.store.putTensors({ ...base, count: 0, chunks: 0, dropped: [], decodeSkips: [], complete: false, decodeMs: 0 });
    progress('decoding', 0, pairs.length, true);
    for (let start = 0; start < pairs.length; start += window) {
      const idx = Array.from({ length: Math.min(window, pairs.length - start) }, (_, j) => start + j);
      const outs = await mapLimit(idx, conc, async (i) => {
        const p = pairs[i].imagePath;
        try {
          const entry = lazy.get(p);
          const src = entry ? (entry.blob ?? (await entry.read())) : result.images.get(p);
          if (!src) throw new Error('image bytes missing');
          return await deps.decode(src, S);
        } catch (e) {
          return e instanceof Error ? e : new Error(String(e));
        } finally {
          result.images.delete(p); // archive members: free as we go
          lazy.delete(p);
        }
      });
      for (let j = 0; j < idx.length; j++) {
        const i = idx[j];
        const o = outs[j];
        if (o instanceof Error) {
          dropped.push(i);
          decodeSkips.push({ file: pairs[i].imagePath, reason: reasonOf(o), detail: o.message });
          continue;
        }
        rgbaToU8Chw(o, S, buf, inBuf * px3);
        inBuf++;
        count++;
        if (inBuf === chunkSize) await flush();
      }
      progress('decoding', idx[idx.length - 1] + 1, pairs.length);
    }
    await flush();
    meta = {
      ...base,
      count,
      chunks,
      dropped,
      decodeSkips,
      complete: true,
      decodeMs: now() - tDecode,
    } satisfies TensorMeta;
  }
  const decodeMs = now() - tDecode;

  // ---- report after decoding, upload records
  const report = result.report;
  addSkips(report, meta.decodeSkips);
  const dropped = new Set(meta.dropped);
  const kept = pairs.filter((_, i) => !dropped.has(i));
  report.loaded = kept.length;
  report.captions = kept.reduce((s, p) => s + p.captions.length, 0);
  // An upload with no usable pair is reported but not stored.
  if (!cached && kept.length > 0) {
    const summary: UploadSummary = {
      id,
      name: opts.name,
      createdAt: Date.now(),
      pairs: kept.length,
      captions: report.captions,
      format: report.format,
      classes: labels?.names.length ?? 0,
    };
    const detail: UploadDetail = {
      id,
      paths: pairs.map((p) => p.imagePath),
      captions: pairs.map((p) => p.captions),
      hashes: pairs.map((p) => result.hashes.get(p.imagePath)!),
      report,
      ...(labels ? { labels: { names: labels.names, label: labels.label } } : {}),
    };
    // Tensors last: `complete` must only be seen once captions and paths are stored.
    await deps.store.putUpload(summary, detail);
    await deps.store.putTensors(meta);
  }

  // ---- 5. stats
  phaseStart = now();
  progress('stats', 0, 1, true);
  const captions = kept.map((p) => p.captions);
  const tok = BpeTokenizer.train(captions.flat(), { vocabSize: opts.vocabSize });
  const stats = uploadStats(captions, tok, opts.contextLength);
  const statsMs = now() - phaseStart;
  progress('stats', 1, 1, true);

  const preview = await readPreview(deps.store, meta, kept, opts.previewCount ?? 24);
  const classes = labels && kept.length ? labels.names : null;
  return {
    id,
    name: opts.name,
    size: S,
    cached,
    report,
    stats,
    classes,
    count: kept.length,
    preview,
    timings: { readMs, parseMs, decodeMs, statsMs, totalMs: now() - t0 },
  };
}
