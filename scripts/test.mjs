// `npm test`: every test, unit (vitest, Node + Dawn) then browser (Playwright, system Chromium).
import { spawnSync } from 'node:child_process';
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
if (unit !== 0) console.error('unit tests failed');
if (e2e !== 0) console.error('browser tests failed');
process.exit(unit || e2e);
