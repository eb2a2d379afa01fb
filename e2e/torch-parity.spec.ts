// PyTorch parity and the checkpoint round trip, in Chromium's WebGPU (SwiftShader here):
//  1. For every preset and variant (python/tests/ts/cases.ts) the WGSL engine's embeddings (eval and training
//     mode), loss, every gradient and the BatchNorm running stats are dumped (kept in test-results/torch-parity/wgsl/),
//     and PyTorch (python -m sharelab_torch.parity wgsl) recomputes them from the same weights and inputs:
//     embeddings within 1e-4 (max abs, fp32), loss within 1e-4, gradients within 5e-4 of each view's largest.
//  2. A model larger than the in-browser default, trained a few steps by PyTorch's train.py, is opened the way the
//     app resumes a run (Trainer.loadCheckpoint) and the app's evaluation (retrieval) and attention probe run on
//     it: same tokens, embeddings within 1e-4, same recall@K, CLS→patch attention maps within 1e-4.
// Needs /usr/bin/python3 with python3-torch, python3-numpy, python3-pil (Debian packages).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Page, expect, test } from '@playwright/test';
import { decodeSafetensors } from '../src/train/safetensors';

// Work in a private temp dir (another Playwright run clears test-results/ when it starts), then copy the dumps
// and reports to test-results/torch-parity for inspection and for python/tests/test_parity_wgsl.py.
const KEEP = 'test-results/torch-parity';
let OUT = '';
test.beforeAll(() => {
  OUT = mkdtempSync(join(tmpdir(), 'sharelab-torch-parity-'));
});
test.afterAll(() => {
  if (OUT) rmSync(OUT, { recursive: true, force: true });
});
const keep = (sub: string) => {
  try {
    cpSync(join(OUT, sub), join(KEEP, sub), { recursive: true });
  } catch (e) {
    console.warn(`could not copy ${sub} to ${KEEP}: ${String(e)}`);
  }
};
const SCREENS = process.env.SCREENS_DIR ?? 'test-results/screens-torch-parity';
const PYTHON = process.env.SHARELAB_PYTHON ?? '/usr/bin/python3';
// The dev server transpiles the .ts; the build (E2E_BUILT, playwright.config.ts) emits it at a fixed .js URL.
const MODULE = process.env.E2E_BUILT && process.env.E2E_BUILT !== '0' ? '/e2e/torch-parity.page.js' : '/e2e/torch-parity.page.ts';

// biome-ignore lint/suspicious/noExplicitAny: the page module is loaded by URL inside the browser
type PageModule = any;

function python(args: string[], timeoutMs: number) {
  const r = spawnSync(PYTHON, ['-m', 'sharelab_torch.parity', ...args], { cwd: 'python', encoding: 'utf-8', timeout: timeoutMs });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

async function openPage(page: Page, problems: string[]) {
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto('/kernels.html?autorun=0');
  // A dynamic import by URL, built at run time so the spec's transpiler leaves it alone.
  await page.evaluate(async (url) => {
    const w = window as unknown as { __tp: PageModule };
    w.__tp = await new Function('u', 'return import(u)')(url);
  }, MODULE);
}

test.skip(!existsSync(PYTHON), `needs ${PYTHON} with python3-torch (apt-get install python3-torch python3-numpy python3-pil)`);

test('WGSL forward and backward match PyTorch for every preset', async ({ page }) => {
  test.setTimeout(15 * 60_000);
  mkdirSync(SCREENS, { recursive: true });
  const problems: string[] = [];
  await openPage(page, problems);
  const cases: { name: string; dir: string }[] = await page.evaluate(() => (window as unknown as { __tp: PageModule }).__tp.caseNames());
  expect(cases.length).toBeGreaterThanOrEqual(9);
  for (let i = 0; i < cases.length; i++) {
    const d = await page.evaluate((k) => (window as unknown as { __tp: PageModule }).__tp.dumpCase(k), i);
    const dir = join(OUT, 'wgsl', d.dir);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'wgsl.safetensors'), Buffer.from(d.bytes, 'base64'));
    writeFileSync(join(dir, 'wgsl.json'), JSON.stringify(d.meta));
    expect(Number.isFinite(d.loss), `${d.name}: loss ${d.loss}`).toBe(true);
  }
  const r = python(['wgsl', join(OUT, 'wgsl'), '--json', join(OUT, 'wgsl', 'report.json')], 5 * 60_000);
  console.log(r.out);
  keep('wgsl');
  const report = JSON.parse(readFileSync(join(OUT, 'wgsl', 'report.json'), 'utf-8'));
  const rows = report.cases as { case: string; emb: number; embEval: number; loss: number; grad: number; buffers: number; ok: boolean }[];
  await page.evaluate(
    (x) => (window as unknown as { __tp: PageModule }).__tp.showSummary('WGSL vs PyTorch (fp32): max abs error', x),
    rows.map((x) => ({ case: x.case, 'emb (train)': x.emb, 'emb (eval)': x.embEval, loss: x.loss, 'grad (rel)': x.grad, 'BN stats': x.buffers, ok: x.ok ? 'OK' : 'NOT OK' })),
  );
  await page.screenshot({ path: `${SCREENS}/wgsl-vs-torch.png`, fullPage: true });
  expect(rows.map((x) => x.case).sort()).toEqual(cases.map((c) => c.name).sort());
  for (const x of rows) {
    expect(x.emb, `${x.case} embeddings`).toBeLessThan(1e-4);
    expect(x.embEval, `${x.case} eval embeddings`).toBeLessThan(1e-4);
    expect(x.ok, `${x.case}: ${JSON.stringify(x)}`).toBe(true);
  }
  expect(r.status, r.out).toBe(0);
  expect(problems, problems.join('\n')).toEqual([]);
});

test('a checkpoint trained by PyTorch opens in the app: retrieval and attention on it', async ({ page }) => {
  test.setTimeout(10 * 60_000);
  mkdirSync(SCREENS, { recursive: true });
  const rt = join(OUT, 'roundtrip');
  const r = python(['roundtrip', rt], 5 * 60_000);
  expect(r.status, r.out).toBe(0);
  keep('roundtrip');
  const summary = JSON.parse(readFileSync(join(rt, 'val.json'), 'utf-8'));
  const val = readFileSync(join(rt, 'val.safetensors'));
  const ckpt = readFileSync(join(rt, 'run', 'latest.safetensors'));
  const ref = decodeSafetensors(new Uint8Array(val)).tensors;
  const problems: string[] = [];
  await openPage(page, problems);
  const show = 4;
  const got = await page.evaluate(
    ([c, v, caps, n]) => (window as unknown as { __tp: PageModule }).__tp.openCheckpoint(c, v, caps, n),
    [ckpt.toString('base64'), val.toString('base64'), summary.captions, show] as const,
  );
  const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    expect(a.length).toBe(b.length);
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
  };
  const data = (k: string) => ref.get(k)?.data as Float32Array | Int32Array;
  expect(got.step).toBe(summary.step);
  expect(got.params).toBe(summary.params);
  expect(got.params).toBeGreaterThan(1_000_000); // larger than the in-browser default model
  expect(got.ids).toEqual(Array.from(data('ids'))); // the app's tokenizer from the checkpoint = PyTorch's
  const embImg = maxAbs(got.img, data('img'));
  const embTxt = maxAbs(got.txt, data('txt'));
  // CLS→patch maps (N, L, H, P) from PyTorch vs the app's probe items [item][layer][head][patch].
  const cls = data('cls');
  const [, L, H, P] = ref.get('cls')?.shape ?? [];
  let attn = 0;
  got.cls.forEach((item: number[][][], k: number) => {
    item.forEach((layer, l) => {
      layer.forEach((head, h) => {
        head.forEach((x, p) => {
          attn = Math.max(attn, Math.abs(x - cls[((k * L + l) * H + h) * P + p]));
        });
      });
    });
  });
  const figures = { 'image emb': embImg, 'text emb': embTxt, 'CLS attention': attn };
  console.log(`round trip (${got.params} params, step ${got.step}):`, figures, 'recall torch', summary.recall, 'app', { i2t: got.i2t, t2i: got.t2i });
  await page.evaluate(
    (x) => (window as unknown as { __tp: PageModule }).__tp.showSummary('PyTorch checkpoint opened in the app: max abs error vs PyTorch', [x]),
    { ...figures, 'R@1 i2t (app / torch)': `${got.i2t[1]} / ${summary.recall.i2t['1']}`, 'R@1 t2i (app / torch)': `${got.t2i[1]} / ${summary.recall.t2i['1']}` },
  );
  await page.screenshot({ path: `${SCREENS}/roundtrip.png`, fullPage: true });
  expect(embImg).toBeLessThan(1e-4);
  expect(embTxt).toBeLessThan(1e-4);
  expect(got.cls.length).toBe(show);
  expect(attn).toBeLessThan(1e-4);
  for (const k of [1, 5]) {
    expect(got.i2t[k]).toBeCloseTo(summary.recall.i2t[String(k)], 6);
    expect(got.t2i[k]).toBeCloseTo(summary.recall.t2i[String(k)], 6);
  }
  expect(got.transfer.flat().every(Number.isFinite)).toBe(true);
  expect(got.ckaPerLayer.every(Number.isFinite)).toBe(true);
  expect(problems, problems.join('\n')).toEqual([]);
});
