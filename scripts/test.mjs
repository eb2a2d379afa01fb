// `npm test`: every test — unit (vitest, Node), browser (Playwright, system Chromium), the PyTorch
// bridge (python/), and the headless experiment runner.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CHROMIUM_HELP } from './find-chromium.mjs';
import { gpuEnv } from './gpu-env.mjs';

const { env, chromium } = gpuEnv();
if (!chromium) {
  console.error(CHROMIUM_HELP);
  process.exit(1);
}
const run = (args) => spawnSync('npx', ['--no-install', ...args], { stdio: 'inherit', env }).status ?? 1;
const extra = process.argv.slice(2);
const unit = run(['vitest', 'run', ...extra]);
const e2e = run(['playwright', 'test']);
// The PyTorch bridge (python/): parity with our checkpoints and forward, DDP 1-vs-2 processes. After
// the browser tests: test_parity_wgsl.py re-checks the WGSL dump e2e/torch-parity.spec.ts writes, and
// would skip if it ran first. Needs Debian's python3-torch; without it a newcomer's `npm test` says so and skips, CI (CI=1) fails.
const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch, numpy, PIL'], { stdio: 'ignore' }).status === 0;
let py = 0;
if (hasTorch) py = spawnSync('/usr/bin/python3', ['-m', 'unittest', 'discover', '-s', 'python/tests'], { stdio: 'inherit', env }).status ?? 1;
else {
  console.error('\n!! SKIPPED the PyTorch bridge tests: /usr/bin/python3 has no torch/numpy/PIL (apt-get install python3-torch python3-numpy python3-pil)\n');
  if (process.env.CI) py = 1;
}
// The headless experiment runner end to end (2 tiny runs): it must write its four outputs.
const exp = spawnSync('node', ['scripts/experiment.mjs', 'experiments/smoke.json', '--out', 'test-results/experiment'], { stdio: 'inherit', env }).status ?? 1;
const missing = ['json', 'html', 'png', 'md'].filter((x) => !existsSync(`test-results/experiment/smoke.${x}`));
if (unit !== 0) console.error('unit tests failed');
if (py !== 0) console.error('PyTorch bridge tests failed');
if (e2e !== 0) console.error('browser tests failed');
if (exp !== 0 || missing.length) console.error(`experiment runner failed${missing.length ? ` (missing ${missing.join(', ')})` : ''}`);
process.exit(unit || py || e2e || exp || (missing.length ? 1 : 0));
