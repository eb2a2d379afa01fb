// `npm test`: every test — unit (vitest, Node), browser (Playwright, system Chromium), the PyTorch
// bridge (python/), the headless experiment runner, and its PyTorch engine against it (engine parity).
// The browser tests run against a production build served by `vite preview` (E2E_BUILT, see
// playwright.config.ts), two specs at a time (E2E_WORKERS, default 2).
//
// Two lanes run side by side, because each phase keeps about one core busy (on SwiftShader a spec's time is
// the GPU process's main thread compiling pipelines; vitest, python and the runner are mostly one
// thread too):
//   browser lane:  playwright, then python/tests/test_parity_wgsl.py (re-checks the dump torch-parity.spec.ts writes)
//   node lane:     vitest, python (every other module), experiment smoke, engine parity
// The node lane's output is prefixed with its phase. Each phase's wall time is printed at the end.
//   node scripts/test.mjs [--only vitest,playwright,python,experiment] [--serial] [vitest args...]
// --only keeps those phases (python includes the WGSL re-check, experiment includes engine parity);
// --serial runs them one after another, as before (a slower machine, or a log without interleaving).
//
// Two suites. `npm test` (this script) is every check but the slow ones, within ~15 min on a 2-core machine.
// `npm run test:slow` (--slow) runs the rest, and CI (.ci/run) runs both — nothing is dropped:
//   Playwright tests tagged @slow (the heavy kernel checks: KernelCheck.heavy; every preset's ONNX export on both
//   EPs), and python/tests/test_parity_reference.py (PyTorch against the float64 reference for every parity case,
//   whose fixtures — finite differences of the full-size presets — take ~5 min of one core to generate).
//   npm test keeps its own PyTorch parity: test_parity_wgsl against the browser's WGSL for every preset, and
//   engine parity.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { CHROMIUM_HELP } from './find-chromium.mjs';
import { gpuEnv } from './gpu-env.mjs';

const PHASES = ['vitest', 'playwright', 'python', 'experiment'];
const argv = process.argv.slice(2);
const flag = (name) => {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  argv.splice(i, 1);
  return name === '--only' ? argv.splice(i, 1)[0] : true;
};
const only = flag('--only');
const serial = !!flag('--serial');
const slow = !!flag('--slow');
const wanted = new Set(only ? only.split(',') : slow ? ['playwright', 'python'] : PHASES);
if (slow) for (const p of ['vitest', 'experiment']) if (wanted.has(p)) throw new Error(`--slow: the slow suite has no ${p} phase (its phases: playwright, python)`);
for (const p of wanted) if (!PHASES.includes(p)) throw new Error(`--only: unknown phase "${p}" (phases: ${PHASES.join(', ')})`);
const vitestArgs = argv;

const { env, chromium } = gpuEnv();
if (!chromium && (wanted.has('playwright') || wanted.has('experiment'))) {
  console.error(CHROMIUM_HELP);
  process.exit(1);
}
// The PyTorch bridge needs Debian's python3-torch; without it a newcomer's `npm test` says so and skips, CI (CI=1) fails.
const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch, numpy, PIL'], { stdio: 'ignore' }).status === 0;

const phases = [];
/**
 * Run one phase, recording its wall time and exit status. `prefix` (the node lane) pipes its output
 * through line by line, each line tagged, so the two lanes' logs stay readable when interleaved.
 */
function phase(name, cmd, args, { prefix = false, extraEnv = {} } = {}) {
  const t0 = Date.now();
  const child = spawn(cmd, args, { stdio: prefix ? ['ignore', 'pipe', 'pipe'] : 'inherit', env: { ...env, ...extraEnv } });
  if (prefix) {
    for (const [stream, out] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ])
      createInterface({ input: stream }).on('line', (l) => out.write(`[${name}] ${l}\n`));
  }
  return new Promise((resolve) => {
    child.on('close', (code) => {
      const rc = code ?? 1;
      phases.push([name, (Date.now() - t0) / 1000, rc]);
      resolve(rc);
    });
  });
}
const npx = (args, o) => phase(args[0], 'npx', ['--no-install', ...args], o);
const python = (name, args, o) => phase(name, '/usr/bin/python3', ['python/tests/run.py', ...args], o);

const rc = { vitest: 0, playwright: 0, python: 0, wgsl: 0, experiment: 0, parity: 0, missing: [] };

/** Playwright, then the WGSL re-check of the dump it wrote. */
async function browserLane(o = {}) {
  if (wanted.has('playwright')) {
    // E2E_BUILT=0 in the environment keeps the dev server (e.g. to reproduce a dev-only problem).
    rc.playwright = await npx(['playwright', 'test', slow ? '--grep' : '--grep-invert', '@slow'], { ...o, extraEnv: { E2E_BUILT: process.env.E2E_BUILT ?? '1', E2E_WORKERS: process.env.E2E_WORKERS ?? '2' } });
  }
  if (wanted.has('python') && hasTorch && !slow) {
    const dump = 'test-results/torch-parity/wgsl';
    if (existsSync(dump) && readdirSync(dump).length > 0) rc.wgsl = await python('wgsl parity', ['--only', 'test_parity_wgsl'], o);
    else if (wanted.has('playwright')) {
      // The full browser run writes the dump: its absence is a failure, not a skip.
      console.error(`\n!! no WGSL dump in ${dump}: e2e/torch-parity.spec.ts did not write it\n`);
      rc.wgsl = 1;
    } else console.error(`\n!! SKIPPED the WGSL re-check: no dump in ${dump} (Playwright's torch-parity.spec.ts writes it)\n`);
  }
}

async function unitLane(o = {}) {
  if (wanted.has('vitest')) rc.vitest = await npx(['vitest', 'run', ...vitestArgs], o);
}

/** Every python/tests module but the WGSL re-check (the browser lane runs that after Playwright). */
async function pythonLane(o = {}) {
  if (!wanted.has('python')) return;
  // The slow suite's python is the float64-reference parity; npm test runs every other module.
  if (hasTorch) rc.python = await python('python', slow ? ['--only', 'test_parity_reference'] : ['--exclude', 'test_parity_wgsl', 'test_parity_reference'], o);
  else {
    console.error('\n!! SKIPPED the PyTorch bridge tests: /usr/bin/python3 has no torch/numpy/PIL (apt-get install python3-torch python3-numpy python3-pil)\n');
    if (process.env.CI) rc.python = 1;
  }
}

/** The headless experiment runner end to end (2 tiny runs, four outputs), then engine parity on its result. */
async function runnerLane(o = {}) {
  if (!wanted.has('experiment')) return;
  rc.experiment = await phase('experiment smoke', 'node', ['scripts/experiment.mjs', 'experiments/smoke.json', '--out', 'test-results/experiment'], o);
  rc.missing = ['json', 'html', 'png', 'md'].filter((x) => !existsSync(`test-results/experiment/smoke.${x}`));
  // Engine parity: the same smoke experiment through the PyTorch twin (reuses the browser run above).
  if (hasTorch && rc.experiment === 0) rc.parity = await phase('engine parity', 'node', ['scripts/engine-parity.mjs'], o);
  else if (!hasTorch) console.error('\n!! SKIPPED the engine parity test (no PyTorch)\n');
}

const t0 = Date.now();
if (serial) {
  await unitLane();
  await browserLane();
  await pythonLane();
  await runnerLane();
} else {
  // Playwright clears test-results/ as it starts; the runner writes there, so it never starts within the
  // first 30 s of the browser lane (after vitest and python it is minutes later anyway).
  const cleared = new Promise((r) => setTimeout(r, wanted.has('playwright') ? 30_000 : 0));
  const tagged = { prefix: true };
  const nodeLane = async () => {
    await unitLane(tagged);
    await pythonLane(tagged);
    await cleared;
    await runnerLane(tagged);
  };
  await Promise.all([browserLane(), nodeLane()]);
}

console.log(`\nwall time per phase: ${phases.map(([n, s, r]) => `${n} ${s.toFixed(0)} s${r ? ' (failed)' : ''}`).join(' · ')} · total ${((Date.now() - t0) / 1000).toFixed(0)} s${serial ? ' (serial)' : ' (two lanes)'}${slow ? ', slow suite' : ''}`);
if (rc.vitest) console.error('unit tests failed');
if (rc.python || rc.wgsl) console.error('PyTorch bridge tests failed');
if (rc.playwright) console.error('browser tests failed');
if (rc.parity) console.error('engine parity (browser vs torch) failed');
if (rc.experiment || rc.missing.length) console.error(`experiment runner failed${rc.missing.length ? ` (missing ${rc.missing.join(', ')})` : ''}`);
const failed = rc.vitest || rc.python || rc.wgsl || rc.playwright || rc.experiment || rc.parity || rc.missing.length;
process.exit(failed ? 1 : 0);
