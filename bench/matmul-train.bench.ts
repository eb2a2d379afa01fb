// `npm run bench`: opens /bench.html, waits for window.__benchResults, adds the host description,
// writes bench/results/<name>.json (+ .md) and prints the markdown tables.
// Env: BENCH_NAME (default 'latest'); BENCH_QUICK=1 (a few shapes, short soak: ~5 min instead of ~30 on
// a 2-core SwiftShader machine); BENCH_QUERY (extra page query, e.g. 'suite=matmul,ops&peers=0', see
// src/bench/main.ts); BENCH_TIMEOUT_MS; BENCH_VERBOSE=1 prints progress.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, totalmem } from 'node:os';
import { expect, test } from '@playwright/test';
import { markdownReport } from '../src/bench/report';
import type { BenchResults } from '../src/bench/types';

test('benchmarks: matmul, attention and losses vs tfjs-webgpu / onnxruntime-web; training step vs tfjs; soak', async ({ page }) => {
  const quick = process.env.BENCH_QUICK === '1';
  const timeout = Number(process.env.BENCH_TIMEOUT_MS ?? (quick ? 20 : 60) * 60_000);
  test.setTimeout(timeout + 60_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); // WebGPU validation errors arrive as warnings
    else if (process.env.BENCH_VERBOSE && m.text().startsWith('[bench]')) console.log(m.text());
  });
  const query = [quick ? 'quick=1' : '', process.env.BENCH_QUERY ?? ''].filter(Boolean).join('&');
  const load = loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
  await page.goto(`/bench.html?${query}`);
  await page.waitForFunction(() => window.__benchResults !== undefined || window.__benchError !== undefined, undefined, { timeout, polling: 1000 });
  const failed = await page.evaluate(() => window.__benchError);
  expect(failed, failed).toBeUndefined();
  const res = (await page.evaluate(() => window.__benchResults)) as BenchResults;
  const c = cpus();
  res.machine = {
    cpus: c.length,
    cpuModel: c[0]?.model ?? 'unknown',
    platform: `${platform()} ${process.arch}`,
    node: process.version,
    memGiB: Math.round(totalmem() / 2 ** 30),
    load,
  };
  const name = process.env.BENCH_NAME ?? 'latest';
  const md = markdownReport(res);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(`bench/results/${name}.json`, JSON.stringify({ ...res, consoleErrors: errors }, null, 2));
  writeFileSync(`bench/results/${name}.md`, `${md}\n`);
  console.log(`\n${md}\n`);
  if (errors.length) console.log(`console errors (not fatal):\n${errors.join('\n')}`);
  expect(res.matmul.length + (res.ops?.length ?? 0) + (res.train?.results.length ?? 0) + (res.soak ? 1 : 0) + (res.tune ? 1 : 0)).toBeGreaterThan(0);
});
