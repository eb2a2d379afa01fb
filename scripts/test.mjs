// `npm test`: every test, unit (vitest, Node + Dawn) then browser (Playwright, system Chromium).
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
// The headless experiment runner end to end (2 tiny runs): it must write its four outputs.
const exp = spawnSync('node', ['scripts/experiment.mjs', 'experiments/smoke.json', '--out', 'test-results/experiment'], { stdio: 'inherit', env }).status ?? 1;
const missing = ['json', 'html', 'png', 'md'].filter((x) => !existsSync(`test-results/experiment/smoke.${x}`));
if (unit !== 0) console.error('unit tests failed');
if (e2e !== 0) console.error('browser tests failed');
if (exp !== 0 || missing.length) console.error(`experiment runner failed${missing.length ? ` (missing ${missing.join(', ')})` : ''}`);
process.exit(unit || e2e || exp || (missing.length ? 1 : 0));
