// `npm test`: every test — unit (vitest, Node), browser (Playwright, system Chromium), the PyTorch
// bridge (python/), the headless experiment runner, and its PyTorch engine against it (engine parity).
// The browser tests run against a production build
// served by `vite preview` (E2E_BUILT, see playwright.config.ts): no spec waits on the dev server
// transforming modules on the fly. Each phase's wall time is printed at the end (where the time goes).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CHROMIUM_HELP } from './find-chromium.mjs';
import { gpuEnv } from './gpu-env.mjs';

const { env, chromium } = gpuEnv();
if (!chromium) {
  console.error(CHROMIUM_HELP);
  process.exit(1);
}
const phases = [];
/** Run a phase, recording its wall time. */
const timed = (name, f) => {
  const t0 = Date.now();
  const rc = f();
  phases.push([name, (Date.now() - t0) / 1000, rc]);
  return rc;
};
const run = (args, extraEnv = {}) => spawnSync('npx', ['--no-install', ...args], { stdio: 'inherit', env: { ...env, ...extraEnv } }).status ?? 1;
const extra = process.argv.slice(2);
const unit = timed('vitest', () => run(['vitest', 'run', ...extra]));
// E2E_BUILT=0 in the environment keeps the dev server (e.g. to reproduce a dev-only problem).
const e2e = timed('playwright', () => run(['playwright', 'test'], { E2E_BUILT: process.env.E2E_BUILT ?? '1' }));
// The PyTorch bridge (python/): parity with our checkpoints and forward, DDP 1-vs-2 processes. After
// the browser tests: test_parity_wgsl.py re-checks the WGSL dump e2e/torch-parity.spec.ts writes, and
// would skip if it ran first. Needs Debian's python3-torch; without it a newcomer's `npm test` says so and skips, CI (CI=1) fails.
const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch, numpy, PIL'], { stdio: 'ignore' }).status === 0;
let py = 0;
if (hasTorch) py = timed('python', () => spawnSync('/usr/bin/python3', ['-m', 'unittest', 'discover', '-s', 'python/tests'], { stdio: 'inherit', env }).status ?? 1);
else {
  console.error('\n!! SKIPPED the PyTorch bridge tests: /usr/bin/python3 has no torch/numpy/PIL (apt-get install python3-torch python3-numpy python3-pil)\n');
  if (process.env.CI) py = 1;
}
// The headless experiment runner end to end (2 tiny runs): it must write its four outputs.
const exp = timed('experiment smoke', () => spawnSync('node', ['scripts/experiment.mjs', 'experiments/smoke.json', '--out', 'test-results/experiment'], { stdio: 'inherit', env }).status ?? 1);
const missing = ['json', 'html', 'png', 'md'].filter((x) => !existsSync(`test-results/experiment/smoke.${x}`));
// Engine parity: the same smoke experiment through the PyTorch twin (reuses the browser run above), ~30 s.
let parity = 0;
if (hasTorch && exp === 0) parity = timed('engine parity', () => spawnSync('node', ['scripts/engine-parity.mjs'], { stdio: 'inherit', env }).status ?? 1);
else if (!hasTorch) console.error('\n!! SKIPPED the engine parity test (no PyTorch)\n');
console.log(`\nwall time per phase: ${phases.map(([n, s, rc]) => `${n} ${s.toFixed(0)} s${rc ? ' (failed)' : ''}`).join(' · ')}`);
if (unit !== 0) console.error('unit tests failed');
if (py !== 0) console.error('PyTorch bridge tests failed');
if (e2e !== 0) console.error('browser tests failed');
if (parity !== 0) console.error('engine parity (browser vs torch) failed');
if (exp !== 0 || missing.length) console.error(`experiment runner failed${missing.length ? ` (missing ${missing.join(', ')})` : ''}`);
process.exit(unit || py || e2e || exp || parity || (missing.length ? 1 : 0));
