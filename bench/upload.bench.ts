// Upload ingestion at scale: N generated 64×64 PNG + metadata.jsonl pairs on disk go through the app's
// real folder input; we time the load (read, parse, decode with createImageBitmap in the upload
// worker, write uint8 tensors to IndexedDB) and sample memory every 250 ms:
//   - JS heap of the upload worker and of the page (CDP Runtime.getHeapUsage, V8 heap only),
//   - resident memory of the tab's renderer process (workers included, ArrayBuffers and decoded
//     images included) and of the whole browser, from /proc.
// Then the training worker loads the upload from IndexedDB (time, memory). Several N show whether
// memory stays flat as N grows. Writes bench/results/upload-<BENCH_NAME>.json (+ .md).
// Env: UPLOAD_BENCH_N (default "1000,5000,20000,50000"), BENCH_NAME (default 'latest').
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CDPSession, type Page, chromium, expect, test } from '@playwright/test';
import { zlibSync } from 'fflate';
import { chromiumArgs } from '../playwright.config';
import { cat, crc32, utf8 } from '../src/data/ingest/fixtures';

const SIZES = (process.env.UPLOAD_BENCH_N ?? '1000,5000,20000,50000').split(',').map(Number);
const S = 64;

// ---- data: 64×64 RGB PNGs (a gradient background and a rectangle, so they compress like simple art)
const be32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const chunk = (type: string, data: Uint8Array) => {
  const td = cat(utf8(type), data);
  return cat(be32(data.length), td, be32(crc32(td)));
};
const COLOURS = ['red', 'green', 'blue', 'yellow', 'purple', 'cyan', 'orange', 'black'];
const RGB = [[220, 40, 40], [40, 180, 60], [40, 60, 220], [230, 210, 40], [140, 50, 170], [40, 200, 210], [240, 140, 30], [20, 20, 20]];

function scenePng(i: number): Uint8Array {
  const c = i % 8;
  const x0 = (i * 7) % 40;
  const y0 = (i * 13) % 40;
  const raw = new Uint8Array(S * (1 + 3 * S));
  for (let y = 0; y < S; y++)
    for (let x = 0; x < S; x++) {
      const inside = x >= x0 && x < x0 + 20 && y >= y0 && y < y0 + 16;
      const px = inside ? RGB[c] : [(x * 3 + (i >> 3)) & 255, (y * 3 + (i >> 11)) & 255, 200];
      raw.set(px, y * (1 + 3 * S) + 1 + 3 * x);
    }
  const ihdr = new Uint8Array([...be32(S), ...be32(S), 8, 2, 0, 0, 0]);
  return cat([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], chunk('IHDR', ihdr), chunk('IDAT', zlibSync(raw)), chunk('IEND', new Uint8Array(0)));
}

function buildSet(dir: string, n: number): number {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'images'), { recursive: true });
  const lines: string[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const png = scenePng(i);
    bytes += png.length;
    writeFileSync(join(dir, 'images', `${i}.png`), png);
    const colour = COLOURS[i % 8];
    const caps = [`a ${colour} rectangle`, `${colour} box on a gradient, number ${i}`, `the ${colour} one`].slice(0, 1 + (i % 3));
    lines.push(JSON.stringify({ file_name: `images/${i}.png`, text: caps }));
  }
  writeFileSync(join(dir, 'metadata.jsonl'), lines.join('\n'));
  return bytes;
}

// ---- memory probes
function procs(): { pid: number; ppid: number; cmd: string; rss: number }[] {
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const status = readFileSync(`/proc/${d}/status`, 'utf8');
      const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
      const rss = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
      out.push({ pid: Number(d), ppid, cmd, rss });
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

/** RSS of the browser launched with `marker` and all its descendants; the renderers separately. */
function browserRss(marker: string): { total: number; renderer: number } {
  const all = procs();
  const root = all.find((p) => p.cmd.includes(marker) && !p.cmd.includes('--type='));
  if (!root) return { total: 0, renderer: 0 };
  const kids = new Map<number, typeof all>();
  for (const p of all) kids.set(p.ppid, [...(kids.get(p.ppid) ?? []), p]);
  let total = 0;
  let renderer = 0;
  const stack = [root];
  while (stack.length) {
    const p = stack.pop()!;
    total += p.rss;
    if (p.cmd.includes('--type=renderer') && !p.cmd.includes('--extension-process')) renderer = Math.max(renderer, p.rss);
    stack.push(...(kids.get(p.pid) ?? []));
  }
  return { total, renderer };
}

/** JS heap of the page and of each worker, through one CDP session (non-flat auto-attach). */
async function heapProbe(page: Page) {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  const workers = new Map<string, string>();
  const pending = new Map<number, (v: { usedSize: number }) => void>();
  let next = 1;
  cdp.on('Target.attachedToTarget', (e) => {
    if (e.targetInfo.type === 'worker') workers.set(e.sessionId, e.targetInfo.url);
  });
  cdp.on('Target.detachedFromTarget', (e) => {
    workers.delete(e.sessionId);
  });
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message);
    if (m.id && pending.has(m.id)) {
      pending.get(m.id)?.(m.result ?? { usedSize: 0 });
      pending.delete(m.id);
    }
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  const ask = (sessionId: string) =>
    new Promise<{ usedSize: number }>((resolve) => {
      const id = next++;
      pending.set(id, resolve);
      void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method: 'Runtime.getHeapUsage' }) }).catch(() => resolve({ usedSize: 0 }));
      setTimeout(() => resolve({ usedSize: 0 }), 2000);
    });
  return async () => {
    const page0 = ((await cdp.send('Runtime.getHeapUsage').catch(() => ({ usedSize: 0 }))) as { usedSize: number }).usedSize;
    const heaps: Record<string, number> = {};
    for (const [sid, url] of workers) {
      const kind = url.includes('ingest/worker') ? 'upload' : url.includes('worker/main') ? 'train' : 'other';
      heaps[kind] = Math.max(heaps[kind] ?? 0, (await ask(sid)).usedSize);
    }
    return { page: page0, upload: heaps.upload ?? 0, train: heaps.train ?? 0 };
  };
}

interface Peak {
  pageHeap: number;
  uploadHeap: number;
  trainHeap: number;
  rendererRss: number;
  browserRss: number;
}
const zero = (): Peak => ({ pageHeap: 0, uploadHeap: 0, trainHeap: 0, rendererRss: 0, browserRss: 0 });

type Sample = [tMs: number, phase: string, done: number, rendererRssMB: number, uploadHeapMB: number, trainHeapMB: number];

function sampler(marker: string, heap: () => Promise<{ page: number; upload: number; train: number }>, page: Page) {
  let peak = zero();
  let busy = false;
  const t0 = Date.now();
  const series: Sample[] = [];
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      const h = await heap();
      const r = browserRss(marker);
      const st = await page
        .evaluate(() => {
          const s = (window as unknown as { __sharelabUploads?: { getState(): { status: { kind: string; progress?: { phase: string; done: number } | null } } } }).__sharelabUploads?.getState().status;
          return s?.kind === 'loading' ? { phase: s.progress?.phase ?? 'starting', done: s.progress?.done ?? 0 } : { phase: s?.kind ?? '?', done: 0 };
        })
        .catch(() => ({ phase: '?', done: 0 }));
      series.push([Date.now() - t0, st.phase, st.done, MB(r.renderer), MB(h.upload), MB(h.train)]);
      peak = {
        pageHeap: Math.max(peak.pageHeap, h.page),
        uploadHeap: Math.max(peak.uploadHeap, h.upload),
        trainHeap: Math.max(peak.trainHeap, h.train),
        rendererRss: Math.max(peak.rendererRss, r.renderer),
        browserRss: Math.max(peak.browserRss, r.total),
      };
    } finally {
      busy = false;
    }
  }, 250);
  return {
    take() {
      const p = peak;
      peak = zero();
      return p;
    },
    series,
    stop: () => clearInterval(timer),
  };
}

const TINY = (size: number) => ({
  dataset: { kind: 'builtin', seed: 0, count: 64, valCount: 16, heldOutCount: 8, size },
  model: { vision: { imageSize: size, patchSize: 16, width: 16, depth: 1, heads: 2, mlpRatio: 2 }, text: { width: 16, depth: 1, heads: 2, mlpRatio: 2 }, embedDim: 16 },
  hyper: { batchSize: 8, steps: 4, logEvery: 2, evalEvery: 2, warmup: 1 },
  presets: ['shared-all'],
  seeds: [0],
  runs: [],
});

const MB = (b: number) => Math.round(b / 1e5) / 10;

/** Renderer RSS (MB) when decoding had reached 10 %, 50 % and 90 % of the images: flat = nothing accumulates. */
function decodeRss(series: Sample[], n: number): (number | null)[] {
  const dec = series.filter((x) => x[1] === 'decoding');
  return [0.1, 0.5, 0.9].map((f) => dec.find((x) => x[2] >= f * n)?.[3] ?? null);
}

test('upload ingestion: pairs/s and peak memory as N grows', async () => {
  test.setTimeout(60 * 60_000);
  const marker = `--sharelab-upload-bench=${process.pid}`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || undefined, args: [...chromiumArgs, marker] });
  const base = `http://localhost:${Number(process.env.BENCH_PORT ?? 5197)}`;
  const results = [];
  const root = join(tmpdir(), `sharelab-upload-bench-${process.pid}`);
  try {
    for (const n of SIZES) {
      const dir = join(root, `set-${n}`);
      const t0 = Date.now();
      const diskBytes = buildSet(dir, n);
      console.log(`[bench] N=${n}: generated ${(diskBytes / 1e6).toFixed(1)} MB of PNG in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      const context = await browser.newContext(); // fresh IndexedDB: nothing cached
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`${base}/#${encodeURIComponent(JSON.stringify(TINY(S)))}`);
      await expect(page.getByTestId('dataset-stats')).toBeVisible({ timeout: 120_000 });
      // Measure the load alone: the upload becomes the dataset only when we pick it below.
      await page.evaluate(() => (window as unknown as { __sharelabUploads: { setState(p: object): void } }).__sharelabUploads.setState({ autoSelect: false }));
      const probe = sampler(marker, await heapProbe(page), page);
      await page.waitForTimeout(1000);
      const idle = probe.take();
      const tSet = Date.now();
      await page.getByTestId('upload-folder').setInputFiles(dir);
      const tPicked = Date.now();
      await expect(page.getByTestId('upload-report')).toHaveAttribute('data-loaded', String(n), { timeout: 50 * 60_000 });
      const ingestPeak = probe.take();
      const res = await page.evaluate(() => {
        const s = (window as unknown as { __sharelabUploads: { getState(): { last: { id: string; timings: Record<string, number>; report: { skipped: unknown[]; captions: number }; count: number; cached: boolean } } } }).__sharelabUploads.getState();
        return { id: s.last.id, timings: s.last.timings, skipped: s.last.report.skipped.length, captions: s.last.report.captions, count: s.last.count, cached: s.last.cached };
      });
      await page.waitForTimeout(1500); // a few samples after the load
      const afterLoad = browserRss(marker);
      // The training worker loads the upload from IndexedDB (tokenizer, split, val tensors).
      probe.take();
      const tTrain = Date.now();
      await page.getByTestId('upload-select').selectOption({ value: res.id });
      await expect(page.getByTestId('dataset-panel').getByRole('heading')).toContainText('upload:', { timeout: 30 * 60_000 });
      await expect(page.getByTestId('dataset-stats')).toBeVisible({ timeout: 30 * 60_000 });
      const trainLoadS = (Date.now() - tTrain) / 1000;
      await page.waitForTimeout(1000);
      const trainPeak = probe.take();
      probe.stop();
      const row = {
        n,
        diskMB: MB(diskBytes),
        pickS: (tPicked - tSet) / 1000,
        ingestS: res.timings.totalMs / 1000,
        readS: res.timings.readMs / 1000,
        parseS: res.timings.parseMs / 1000,
        decodeS: res.timings.decodeMs / 1000,
        statsS: res.timings.statsMs / 1000,
        pairsPerS: Math.round((n * 1000) / res.timings.totalMs),
        decodePairsPerS: Math.round((n * 1000) / res.timings.decodeMs),
        captions: res.captions,
        skipped: res.skipped,
        idleMB: { pageHeap: MB(idle.pageHeap), uploadHeap: MB(idle.uploadHeap), rendererRss: MB(idle.rendererRss), browserRss: MB(idle.browserRss) },
        ingestPeakMB: { pageHeap: MB(ingestPeak.pageHeap), uploadHeap: MB(ingestPeak.uploadHeap), rendererRss: MB(ingestPeak.rendererRss), browserRss: MB(ingestPeak.browserRss) },
        afterLoadMB: { rendererRss: MB(afterLoad.renderer), browserRss: MB(afterLoad.total) },
        trainLoadS,
        trainLoadPeakMB: { trainHeap: MB(trainPeak.trainHeap), rendererRss: MB(trainPeak.rendererRss), browserRss: MB(trainPeak.browserRss) },
        tensorMB: MB(n * 3 * S * S),
        errors,
        /** [ms, phase, done, renderer RSS MB, upload-worker heap MB, train-worker heap MB] every 250 ms */
        series: probe.series,
      };
      console.log(`[bench] ${JSON.stringify({ ...row, series: `${row.series.length} samples` })}`);
      results.push(row);
      expect(res.count).toBe(n);
      expect(res.skipped).toBe(0);
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await browser.close();
    rmSync(root, { recursive: true, force: true });
  }
  const c = cpus();
  const out = {
    what: `upload ingestion of N generated ${S}×${S} PNG + metadata.jsonl pairs through the folder input (decode at ${S}×${S})`,
    machine: { cpus: c.length, cpuModel: c[0]?.model ?? 'unknown', platform: `${platform()} ${process.arch}`, node: process.version },
    date: new Date().toISOString(),
    results,
  };
  const name = process.env.BENCH_NAME ?? 'latest';
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(`bench/results/upload-${name}.json`, JSON.stringify(out, null, 2));
  const md = [
    `Upload ingestion, ${S}×${S} PNG pairs, ${out.machine.cpus} × ${out.machine.cpuModel}`,
    '',
    '| N | PNG MB | ingest s | pairs/s | decode pairs/s | upload-worker heap peak MB | page heap peak MB | renderer RSS peak MB (idle) | renderer RSS at 10/50/90 % decoded MB | train-worker load s | train-worker heap MB | renderer RSS after train load MB | uint8 tensors MB |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.n.toLocaleString('en-US')} | ${r.diskMB} | ${r.ingestS.toFixed(1)} | ${r.pairsPerS} | ${r.decodePairsPerS} | ${r.ingestPeakMB.uploadHeap} | ${r.ingestPeakMB.pageHeap} | ${r.ingestPeakMB.rendererRss} (${r.idleMB.rendererRss}) | ${decodeRss(r.series, r.n).map((v) => v ?? '–').join(' / ')} | ${r.trainLoadS.toFixed(1)} | ${r.trainLoadPeakMB.trainHeap} | ${r.trainLoadPeakMB.rendererRss} | ${r.tensorMB} |`,
    ),
  ].join('\n');
  writeFileSync(`bench/results/upload-${name}.md`, `${md}\n`);
  console.log(`\n${md}\n`);
});
