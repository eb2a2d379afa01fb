// Engine parity, part of `npm test` (after the browser engine's smoke experiment, whose output it reuses):
//   node scripts/engine-parity.mjs [--browser test-results/experiment/smoke.json]
// 1. runs experiments/smoke.json through --engine torch (PyTorch twin, CPU, ~30 s);
// 2. loss curve: every one of the first steps of every run agrees with the browser's to float32 tolerance;
// 3. same checkpoint, same metrics: the twin's exported embeddings and our float64 reference forward of the twin's
//    final checkpoint give the same recall (exactly) and scalars (≤ 1e-5), both through metricsFromEmbeddings;
// 4. the training images the twin decodes are bit-identical to the browser's;
// 5. final metrics of the two trainings agree (they differ only by float32 rounding over 6 steps).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createServer } from 'vite';
import { PYTHON } from './experiment-torch.mjs';

const args = process.argv.slice(2);
const opt = (n, d) => (args.includes(n) ? args[args.indexOf(n) + 1] : d);
const browserJson = opt('--browser', 'test-results/experiment/smoke.json');
const OUT = 'test-results/experiment-torch';
const DIR = 'test-results/torch-smoke';
// Measured here: curve 4.7e-7, same checkpoint 1.5e-7, final scalars 2.6e-7 and identical recall.
const TOL = { curve: 1e-5, sameCheckpoint: 1e-5, scalars: 1e-4 };

if (!existsSync(browserJson)) {
  console.error(`engine parity: ${browserJson} is missing (run: node scripts/experiment.mjs experiments/smoke.json --out test-results/experiment)`);
  process.exit(1);
}
const t = spawnSync('node', ['scripts/experiment.mjs', 'experiments/smoke.json', '--engine', 'torch', '--out', OUT, '--dir', DIR], { stdio: 'inherit' });
if (t.status !== 0) process.exit(t.status ?? 1);

const server = await createServer({ server: { hmr: false, watch: null, middlewareMode: true }, appType: 'custom', logLevel: 'warn' });
const failures = [];
try {
  const [par, data, collect] = await Promise.all(['engine-parity', 'torch-data', 'torch-collect'].map((m) => server.ssrLoadModule(`/src/experiment/${m}.ts`)));
  const browser = JSON.parse(readFileSync(browserJson, 'utf8'));
  const torch = JSON.parse(readFileSync(path.join(OUT, 'smoke.json'), 'utf8'));
  const steps = torch.experiment.hyper.steps;
  const curve = par.curveDifference(browser.runs, torch.runs, steps);
  const worst = curve.reduce((a, b) => (b.rel > a.rel ? b : a));
  console.log(`engine parity: loss curve, ${curve.length} steps: max |Δ|/max(1,|loss|) = ${worst.rel.toExponential(2)} (${worst.run} step ${worst.step}: ${worst.a} vs ${worst.b}); tolerance ${TOL.curve}`);
  if (!(worst.rel <= TOL.curve)) failures.push('loss curves differ');

  const prep = data.experimentData(torch.experiment);
  const val = prep.val;
  // The training images the twin decodes from the uint8 pixels are bit-identical to the browser's floats.
  const px = prep.val.images.length / val.Ni;
  const floats = new Float32Array(prep.trainIndex.length * px);
  for (const [p, img] of prep.trainIndex.entries()) floats.set(prep.set.images.subarray(img * px, (img + 1) * px), p * px);
  const mine = createHash('sha256').update(new Uint8Array(floats.buffer)).digest('hex');
  const code = `from sharelab_torch.prepared import PreparedData; import hashlib; print(hashlib.sha256(PreparedData(${JSON.stringify(DIR)}).t['train.images'].numpy().tobytes()).hexdigest())`;
  const theirs = spawnSync(PYTHON, ['-c', code], { env: { ...process.env, PYTHONPATH: 'python' } }).stdout.toString().trim();
  console.log(`engine parity: training images ${mine === theirs ? 'bit-identical' : 'DIFFER'} (${prep.trainIndex.length} × ${px} floats, sha256 ${mine.slice(0, 12)})`);
  if (mine !== theirs) failures.push('the twin decodes other training images than the browser');
  const plan = JSON.parse(readFileSync(path.join(DIR, 'plan.json'), 'utf8'));
  for (const run of torch.runs) {
    const rd = path.join(DIR, 'runs', run.id);
    const { config, hyper } = plan.runs.find((r) => r.id === run.id);
    const own = collect.evalFromFile(new Uint8Array(readFileSync(path.join(rd, `eval-${steps}.safetensors`))), val, config, hyper.batchSize);
    const ref = par.referenceMetrics(new Uint8Array(readFileSync(path.join(rd, 'latest.safetensors'))), val);
    const d = par.metricDifferences(own, ref);
    const bad = Object.entries(d).filter(([k, v]) => !(v <= (/@/.test(k) ? 0 : TOL.sameCheckpoint)) && !(Number.isNaN(v) && own[k] === undefined));
    console.log(`engine parity: ${run.id} same checkpoint (twin's embeddings vs float64 reference): max scalar |Δ| ${Math.max(...Object.entries(d).filter(([k]) => !/@/.test(k)).map(([, v]) => v || 0)).toExponential(2)}, recall ${bad.some(([k]) => /@/.test(k)) ? 'DIFFERS' : 'identical'}`);
    if (bad.length) failures.push(`${run.id}: same checkpoint, different metrics: ${bad.map(([k, v]) => `${k} ${v}`).join(', ')}`);
    const b = browser.runs.find((r) => r.id === run.id);
    const db = par.metricDifferences(b.final, run.final);
    const Ni = val.Ni;
    const worstScalar = Math.max(...['valLoss', 'alignment', 'uniformity', 'modalityGap'].map((k) => db[k]));
    const recall = Math.max(...Object.entries(db).filter(([k]) => /@/.test(k)).map(([, v]) => v));
    console.log(`engine parity: ${run.id} final metrics browser vs torch: max scalar |Δ| ${worstScalar.toExponential(2)} (tolerance ${TOL.scalars}), max recall |Δ| ${recall.toFixed(4)} (≤ 1 of ${Ni} images allowed: ${(1 / Ni).toFixed(4)})`);
    if (!(worstScalar <= TOL.scalars) || !(recall <= 1 / Ni + 1e-12)) failures.push(`${run.id}: final metrics differ between engines`);
  }
} finally {
  await server.close();
}
if (failures.length) {
  console.error(`engine parity FAILED:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log('engine parity: OK');
