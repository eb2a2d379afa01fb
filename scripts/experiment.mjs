// `npm run experiment -- experiments/<file>.json [--out dir] [--engine browser|torch] [torch options]`
// Runs an experiment (presets × seeds) and writes <out>/<name>.json (every curve and metric), <out>/<name>.html
// (a self-contained report with plotly inlined), .png (its curves) and .md (the README table).
//  --engine browser (default): headless Chromium through the same worker code as the playground.
//  --engine torch: the PyTorch twin (scripts/experiment-torch.mjs); metrics and statistics still come from the
//    browser's TypeScript. Options: --device cpu|cuda|auto, --nproc N (DDP processes per run), --threads N,
//    --amp none|bf16|fp16, --dir DIR (plan and runs; default runs/torch/<name>), --prepare-only, --collect.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { listEvalSetPath } from './eval-set-files.mjs';
import { CHROMIUM_HELP } from './find-chromium.mjs';
import { gpuEnv } from './gpu-env.mjs';
import { renderMarkdown, renderReport, updateReadme } from './report.mjs';

const args = process.argv.slice(2);
const VALUED = new Set(['--out', '--engine', '--device', '--nproc', '--threads', '--amp', '--dir']);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const file = args.find((a, i) => !a.startsWith('--') && !VALUED.has(args[i - 1]));
const outDir = opt('--out', 'experiments/results');
const engineName = opt('--engine', 'browser');
if (!file || !['browser', 'torch'].includes(engineName)) {
  console.error('usage: npm run experiment -- experiments/<experiment>.json [--out dir] [--engine browser|torch [--device cpu|cuda] [--nproc N] [--prepare-only | --collect] [--dir DIR]]');
  process.exit(2);
}
const spec = JSON.parse(readFileSync(file, 'utf8'));
// Evaluation sets given as paths: a missing or unreadable one stops here, before a browser starts.
const evalPaths = (spec.dataset?.evalSets ?? []).filter((s) => typeof s?.path === 'string');
if (spec.dataset?.evalSets?.length && engineName === 'torch') {
  console.error('--engine torch: evaluation sets (dataset.evalSets) are not supported by the PyTorch engine; run this experiment with --engine browser'); // also refused in src/experiment/torch-data.ts
  process.exit(2);
}
for (const s of evalPaths) {
  try {
    console.log(`evaluation set "${s.name}": ${listEvalSetPath(s.path).length} files at ${s.path}`);
  } catch (e) {
    console.error(e.message);
    process.exit(2);
  }
}
const { env, chromium: exe } = gpuEnv();
Object.assign(process.env, env);
const BROWSER_ARGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** The browser engine: every run in the headless experiment page. */
async function runBrowser(browser) {
  const { createServer } = await import('vite');
  // No HMR and no file watching: an edit to the sources must not reload the page mid-experiment.
  const server = await createServer({
    server: { port: 5199 + Math.floor(Math.random() * 400), strictPort: false, hmr: false, watch: null },
    logLevel: 'warn',
  });
  await server.listen();
  try {
    const page = await browser.newPage();
    page.on('console', (m) => console.log(`  [page] ${m.text()}`));
    page.on('pageerror', (e) => console.error(`  [page error] ${e}`));
    // Evaluation sets given as paths: the page lists and reads them through these, then ingests them like an upload.
    await page.exposeFunction('evalSetList', (p) => listEvalSetPath(p));
    await page.exposeFunction('evalSetRead', (abs) => readFileSync(abs).toString('base64'));
    await page.goto(`${server.resolvedUrls.local[0]}experiment.html`);
    await page.waitForFunction(() => typeof window.runExperiment === 'function');
    const result = await page.evaluate((s) => window.runExperiment(s), spec);
    const machine = `${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; WebGPU adapter: ${result.adapter || 'unknown'} (Chromium ${browser.version()})`;
    return { ...result, machine, engine: { engine: 'browser', device: result.adapter || 'webgpu', processes: 1 } };
  } finally {
    await server.close();
  }
}

/** JSON, HTML, markdown, README block and (with a browser) the PNG of the curves. */
async function writeOutputs(out, browser) {
  mkdirSync(outDir, { recursive: true });
  const base = path.join(outDir, spec.name);
  writeFileSync(`${base}.json`, JSON.stringify(out, null, 1));
  const require = createRequire(import.meta.url);
  const plotly = readFileSync(require.resolve('plotly.js-dist-min'), 'utf8');
  writeFileSync(`${base}.html`, renderReport(out, plotly));
  const written = [`${base}.json`, `${base}.html`];
  if (browser) {
    // A PNG of the report's curves, and a markdown table: the README shows both for the study.
    const report = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await report.goto(`file://${path.resolve(`${base}.html`)}`);
    await report.waitForSelector('#r1 .main-svg');
    await report.locator('#curves').screenshot({ path: `${base}.png` });
    await report.close();
    written.push(`${base}.png`);
  } else console.error(`no Chromium: ${base}.png not drawn (${CHROMIUM_HELP.split('\n')[0]})`);
  const md = renderMarkdown(out);
  writeFileSync(`${base}.md`, md);
  written.push(`${base}.md`);
  updateReadme(spec.name, md, `${base}.png`);
  console.log(`wrote ${written.join(', ')} (${out.wallSeconds.toFixed(0)} s)`);
}

const t0 = Date.now();
let browser = null;
if (engineName === 'browser' && !exe) {
  console.error(CHROMIUM_HELP);
  process.exit(1);
}
try {
  let result;
  if (engineName === 'browser') {
    browser = await chromium.launch({ executablePath: exe, args: BROWSER_ARGS });
    result = await runBrowser(browser);
  } else {
    const { runTorchExperiment, torchMachine } = await import('./experiment-torch.mjs');
    const r = await runTorchExperiment(spec, {
      dir: opt('--dir', path.join('runs', 'torch', spec.name)),
      device: opt('--device', 'cpu'),
      nproc: Number(opt('--nproc', '1')),
      threads: Number(opt('--threads', '0')),
      amp: opt('--amp', 'none'),
      prepareOnly: args.includes('--prepare-only'),
      collect: args.includes('--collect'),
    });
    if (!r) process.exit(0); // --prepare-only
    result = { ...r, machine: torchMachine(r.engine) };
    if (exe) browser = await chromium.launch({ executablePath: exe, args: BROWSER_ARGS });
  }
  const { machine, engine, runs, summary } = result;
  // --collect: the training happened elsewhere; its wall time is the runs' own.
  const wallSeconds = args.includes('--collect') ? runs.reduce((s, r) => s + r.wallMs, 0) / 1000 : (Date.now() - t0) / 1000;
  await writeOutputs({ experiment: spec, machine, engine, date: new Date().toISOString(), wallSeconds, runs, summary }, browser);
} finally {
  await browser?.close();
}
