// `npm run experiment -- experiments/<file>.json [--out dir]`
// Runs an experiment (presets × seeds) in headless Chromium through the same worker code as the
// playground, then writes <out>/<name>.json (every curve and metric) and <out>/<name>.html
// (a self-contained report with plotly inlined).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import { CHROMIUM_HELP } from './find-chromium.mjs';
import { gpuEnv } from './gpu-env.mjs';
import { renderMarkdown, renderReport, updateReadme } from './report.mjs';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const outIdx = args.indexOf('--out');
const outDir = outIdx >= 0 ? args[outIdx + 1] : 'experiments/results';
if (!file) {
  console.error('usage: npm run experiment -- experiments/<experiment>.json [--out dir]');
  process.exit(2);
}
const spec = JSON.parse(readFileSync(file, 'utf8'));
const { env, chromium: exe } = gpuEnv();
if (!exe) {
  console.error(CHROMIUM_HELP);
  process.exit(1);
}
Object.assign(process.env, env);

// No HMR and no file watching: an edit to the sources must not reload the page mid-experiment.
const server = await createServer({
  server: { port: 5199 + Math.floor(Math.random() * 400), strictPort: false, hmr: false, watch: null },
  logLevel: 'warn',
});
await server.listen();
const url = server.resolvedUrls.local[0];
const browser = await chromium.launch({
  executablePath: exe,
  args: ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
const t0 = Date.now();
try {
  const page = await browser.newPage();
  page.on('console', (m) => console.log(`  [page] ${m.text()}`));
  page.on('pageerror', (e) => console.error(`  [page error] ${e}`));
  await page.goto(`${url}experiment.html`);
  await page.waitForFunction(() => typeof window.runExperiment === 'function');
  const result = await page.evaluate((s) => window.runExperiment(s), spec);
  const machine = `${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; WebGPU adapter: ${result.adapter || 'unknown'} (Chromium ${browser.version()})`;
  const out = { experiment: spec, machine, date: new Date().toISOString(), wallSeconds: (Date.now() - t0) / 1000, runs: result.runs, summary: result.summary };
  mkdirSync(outDir, { recursive: true });
  const base = path.join(outDir, spec.name);
  writeFileSync(`${base}.json`, JSON.stringify(out, null, 1));
  const require = createRequire(import.meta.url);
  const plotly = readFileSync(require.resolve('plotly.js-dist-min'), 'utf8');
  writeFileSync(`${base}.html`, renderReport(out, plotly));
  // A PNG of the report's curves, and a markdown table: the README shows both for the study.
  const report = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await report.goto(`file://${path.resolve(`${base}.html`)}`);
  await report.waitForSelector('#r1 .main-svg');
  await report.locator('#curves').screenshot({ path: `${base}.png` });
  await report.close();
  const md = renderMarkdown(out);
  writeFileSync(`${base}.md`, md);
  updateReadme(spec.name, md, `${base}.png`);
  console.log(`wrote ${base}.json, ${base}.html, ${base}.png, ${base}.md (${out.wallSeconds.toFixed(0)} s)`);
} finally {
  await browser.close();
  await server.close();
}
