// The streaming upload pipeline in Node: a JS decoder for our fixture PNGs (filter 0, RGB) that
// crops and resizes like decodeToRgba (nearest sample instead of the browser's filter), a memory
// store instead of IndexedDB.
import { unzlibSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { MemoryUploadStore } from './cache';
import { DecodeError, cropRect } from './decode';
import { cat, png, utf8 } from './fixtures';
import { type UploadEntry, mapLimit, runPipeline, uploadId } from './pipeline';
import { u8ChwToRgba } from './preprocess';

/** Decode a fixture PNG (8-bit RGB, filter 0 on every row) to RGBA, centre crop, nearest resize. */
function decodeFixture(bytes: Uint8Array, S: number): Uint8ClampedArray {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const w = dv.getUint32(16);
  const h = dv.getUint32(20);
  let i = 8;
  const idat: Uint8Array[] = [];
  while (i < bytes.length) {
    const len = dv.getUint32(i);
    const type = String.fromCharCode(...bytes.subarray(i + 4, i + 8));
    if (type === 'IDAT') idat.push(bytes.subarray(i + 8, i + 8 + len));
    i += 12 + len;
  }
  const raw = unzlibSync(cat(...idat));
  const { sx, sy, sw } = cropRect(w, h);
  const out = new Uint8ClampedArray(S * S * 4);
  for (let y = 0; y < S; y++)
    for (let x = 0; x < S; x++) {
      const X = sx + Math.floor(((x + 0.5) * sw) / S);
      const Y = sy + Math.floor(((y + 0.5) * sw) / S);
      const o = Y * (1 + 3 * w) + 1 + 3 * X;
      out.set([raw[o], raw[o + 1], raw[o + 2], 255], 4 * (y * S + x));
    }
  return out;
}

/** Fails like the browser would on seed-99 images (structurally valid, undecodable). */
const POISON = png(99, 3, 3);
let decodes = 0;
async function decode(bytes: Uint8Array, S: number) {
  decodes++;
  if (bytes.length === POISON.length && bytes.every((b, i) => b === POISON[i])) throw new DecodeError('undecodable-image', 'browser could not decode png');
  return decodeFixture(bytes, S);
}

function entries(files: Record<string, Uint8Array | string>) {
  const reads = new Map<string, number>();
  const list: UploadEntry[] = Object.entries(files).map(([path, v]) => {
    const bytes = typeof v === 'string' ? utf8(v) : v;
    return {
      path,
      size: bytes.length,
      read: async () => {
        reads.set(path, (reads.get(path) ?? 0) + 1);
        return bytes.slice();
      },
    };
  });
  return { list, reads };
}

/** 11 decodable images of varied shapes with 1–3 sidecar captions, plus bad items of three kinds. */
function folder(): Record<string, Uint8Array | string> {
  const f: Record<string, Uint8Array | string> = {};
  for (let i = 0; i < 11; i++) {
    f[`ds/img${String(i).padStart(2, '0')}.png`] = png(i + 1, 6 + (i % 3) * 5, 6 + (i % 2) * 7);
    f[`ds/img${String(i).padStart(2, '0')}.txt`] = Array.from({ length: 1 + (i % 3) }, (_, k) => `a picture number ${i} variant ${k}`).join('\n');
  }
  f['ds/broken.png'] = png(5, 4, 4).slice(0, 30); // truncated: no IEND
  f['ds/broken.txt'] = 'caption of a truncated image';
  f['ds/orphan.txt'] = 'caption without image';
  f['ds/poison.png'] = POISON;
  f['ds/poison.txt'] = 'decoder fails on this one';
  return f;
}

const opts = { name: 'ds', size: 8, contextLength: 8, vocabSize: 300, chunkSize: 4, previewCount: 6 };

describe('runPipeline', () => {
  it('streams a folder: report, chunks of uint8 CHW in pair order, stats, preview', async () => {
    const store = new MemoryUploadStore();
    const { list, reads } = entries(folder());
    const phases = new Set<string>();
    decodes = 0;
    const r = await runPipeline(list, opts, { store, decode, onProgress: (p) => phases.add(p.phase) });
    expect([...phases]).toEqual(['reading', 'parsing', 'decoding', 'stats']);
    expect(r.cached).toBe(false);
    expect(r.count).toBe(11);
    expect(r.report.loaded).toBe(11);
    // i % 3 captions + 1: four images with 1, four with 2, three with 3
    expect(r.report.captions).toBe(21);
    expect(r.report.counts['truncated-image']).toBe(1);
    expect(r.report.counts['undecodable-image']).toBe(1);
    // the orphan, and the caption of the truncated image
    expect(r.report.counts['caption-without-image']).toBe(2);
    expect(r.report.skipped.find((s) => s.reason === 'undecodable-image')).toMatchObject({ file: 'ds/poison.png', detail: 'browser could not decode png' });
    expect(decodes).toBe(12); // 11 + poison; the truncated one never reaches the decoder

    // Each text file read once; each image at most twice (probe, decode).
    for (const [path, n] of reads) expect(n, path).toBeLessThanOrEqual(path.endsWith('.png') ? 2 : 1);

    const meta = await store.getTensors(r.id, 8);
    expect(meta).toMatchObject({ complete: true, count: 11, chunks: 3, chunkSize: 4, dropped: [11] });
    const files = folder();
    const kept = Object.keys(files).filter((p) => /img\d+\.png$/.test(p)).sort();
    let k = 0;
    for (let c = 0; c < 3; c++) {
      const data = (await store.getChunk(r.id, 8, c))!;
      expect(data.length).toBe((c < 2 ? 4 : 3) * 3 * 64);
      for (let s = 0; s < data.length / 192; s++, k++) {
        expect(u8ChwToRgba(data, s * 192, 8)).toEqual(decodeFixture(files[kept[k]] as Uint8Array, 8));
      }
    }
    const detail = (await store.getDetail(r.id))!;
    expect(detail.paths).toEqual([...kept, 'ds/poison.png'].sort());
    expect(detail.captions[0]).toEqual(['a picture number 0 variant 0']);

    expect(r.stats.captionsPerImage).toMatchObject({ min: 1, max: 3, histogram: [0, 4, 4, 3] });
    expect(r.stats.tokens.histogram.reduce((a, b) => a + b, 0)).toBe(21);
    expect(r.stats.tokens.truncated).toBe(r.stats.tokens.histogram.slice(9).reduce((a, b) => a + b, 0));
    expect(r.preview.captions.length).toBe(r.preview.rgba.length / 256);
    expect(r.preview.captions.length).toBeGreaterThanOrEqual(5);
    expect(r.classes).toBeNull(); // one flat folder: no labels
  });

  it('the same files again, or zipped, hit the cache: nothing decoded or written', async () => {
    const store = new MemoryUploadStore();
    const first = await runPipeline(entries(folder()).list, opts, { store, decode });
    const writes = store.chunkWrites;
    decodes = 0;
    const again = await runPipeline(entries(folder()).list, opts, { store, decode });
    expect(again.cached).toBe(true);
    expect(again.id).toBe(first.id);
    expect(decodes).toBe(0);
    expect(store.chunkWrites).toBe(writes);
    // The report of a cached load is the same, decode failures included.
    expect(again.report.counts).toEqual(first.report.counts);
    expect(again.preview.rgba).toEqual(first.preview.rgba);

    const zipped = zipSync(Object.fromEntries(Object.entries(folder()).map(([p, v]) => [p, typeof v === 'string' ? utf8(v) : v])));
    const z = await runPipeline(entries({ 'ds.zip': zipped }).list, opts, { store, decode });
    expect(z.id).toBe(first.id);
    expect(z.cached).toBe(true);
    expect(z.report.format).toBe('sidecar-txt+zip');
    // Another resolution is another cache entry.
    const big = await runPipeline(entries(folder()).list, { ...opts, size: 4 }, { store, decode });
    expect(big.cached).toBe(false);
    expect((await store.list())[0].sizes).toEqual([4, 8]);
    await store.remove(first.id);
    expect(await store.list()).toEqual([]);
    expect([...store.data.keys()]).toEqual([]);
  });

  it('zip of class folders: labels inferred, every pair decoded from archive bytes', async () => {
    const files: Record<string, Uint8Array> = {};
    const lines: string[] = [];
    ['red', 'blue', 'green'].forEach((cls, c) => {
      for (let i = 0; i < 3; i++) {
        files[`set/${cls}/${i}.png`] = png(10 * c + i, 5, 5);
        lines.push(JSON.stringify({ file_name: `${cls}/${i}.png`, text: `a ${cls} thing ${i}` }));
      }
    });
    files['set/metadata.jsonl'] = utf8(`${lines.join('\n')}\n{"file_name": "red/9.png", "text": "missing"}\nnot json\n`);
    const store = new MemoryUploadStore();
    const r = await runPipeline(entries({ 'set.zip': zipSync(files) }).list, opts, { store, decode });
    expect(r.report.format).toBe('imagefolder+zip');
    expect(r.count).toBe(9);
    expect(r.report.skipped.map((s) => [s.reason, s.line])).toEqual([
      ['malformed-metadata', 11],
      ['caption-without-image', 10],
    ]);
    expect(r.classes).toEqual(['blue', 'green', 'red']);
    expect((await store.getDetail(r.id))!.labels!.label).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2]);
  });

  it('an oversized image is reported without being read; an unreadable file is reported', async () => {
    const { list, reads } = entries({ 'a/x.png': png(1, 4, 4), 'a/x.txt': 'ok caption', 'a/big.png': png(2, 4, 4), 'a/big.txt': 'big' });
    list[2].size = 10_000_000;
    list.push({ path: 'a/gone.png', size: 10, read: () => Promise.reject(new Error('NotReadableError')) });
    const r = await runPipeline(list, { ...opts, maxFileBytes: 1_000_000 }, { store: new MemoryUploadStore(), decode });
    expect(reads.get('a/big.png')).toBeUndefined();
    expect(r.report.counts.oversized).toBe(1);
    expect(r.report.skipped.find((s) => s.file === 'a/gone.png')?.detail).toMatch(/could not read/);
    expect(r.count).toBe(1);
  });

  it('nothing usable: report only, nothing stored', async () => {
    const store = new MemoryUploadStore();
    const r = await runPipeline(entries({ 'orphan.txt': 'a caption' }).list, opts, { store, decode });
    expect(r.count).toBe(0);
    expect(r.report.counts['caption-without-image']).toBe(1);
    expect(await store.list()).toEqual([]);
  });
});

describe('cancelled loads', () => {
  it('leave an incomplete entry whose chunks prune() removes once stale; complete uploads stay', async () => {
    const store = new MemoryUploadStore();
    const done = await runPipeline(entries(folder()).list, opts, { store, decode });
    // A load killed while decoding: its decoder never returns after 40 images (one window of 32 stored).
    const many: Record<string, Uint8Array | string> = {};
    for (let i = 0; i < 60; i++) {
      many[`m/${i}.png`] = png(1000 + i, 3, 3);
      many[`m/${i}.txt`] = `picture ${i}`;
    }
    let n = 0;
    const hang = (bytes: Uint8Array, S: number) => (++n > 40 ? new Promise<never>(() => {}) : decode(bytes, S));
    void runPipeline(entries(many).list, { ...opts, size: 6, chunkSize: 2, concurrency: 1 }, { store, decode: hang });
    await new Promise((r) => setTimeout(r, 50));
    const orphan = [...store.data.keys()].filter((k) => k.includes('@6v'));
    expect(orphan.some((k) => k.startsWith('chunks/'))).toBe(true);
    expect(await store.prune(60_000)).toBe(0); // recent: might still be running
    expect(await store.prune(-1)).toBe(1);
    expect([...store.data.keys()].filter((k) => k.includes('@6v'))).toEqual([]);
    expect((await store.getTensors(done.id, 8))?.complete).toBe(true);
    expect(store.data.size).toBeGreaterThan(3);
  });
});

describe('helpers', () => {
  it('uploadId depends on content and order, not on paths', async () => {
    const a = await uploadId([{ hash: 'h1', captions: ['x'] }, { hash: 'h2', captions: ['y'] }]);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(await uploadId([{ hash: 'h2', captions: ['y'] }, { hash: 'h1', captions: ['x'] }])).not.toBe(a);
    expect(await uploadId([{ hash: 'h1', captions: ['x', 'z'] }, { hash: 'h2', captions: ['y'] }])).not.toBe(a);
  });

  it('mapLimit keeps order and never exceeds the limit', async () => {
    let live = 0;
    let peak = 0;
    const out = await mapLimit(Array.from({ length: 20 }, (_, i) => i), 3, async (x) => {
      peak = Math.max(peak, ++live);
      await new Promise((r) => setTimeout(r, (x * 7) % 5));
      live--;
      return x * 2;
    });
    expect(out).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
    expect(peak).toBe(3);
  });
});
