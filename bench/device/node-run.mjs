// Runs the bundled kernel half of bench:device on Dawn: node bench/device/node-run.mjs <out-prefix> [--quick] [--reps N] [--skip a,b]
// Needs the `webgpu` package (node_modules/webgpu, or WEBGPU_DIR pointing at an unpacked copy) and a Vulkan loader + driver.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const out = args[0];
const flag = (n) => args.includes(n);
const val = (n, d) => (args.includes(n) ? args[args.indexOf(n) + 1] : d);
const require = createRequire(import.meta.url);
const webgpuPath = process.env.WEBGPU_DIR ? `${process.env.WEBGPU_DIR}/index.js` : require.resolve('webgpu');
const { create, globals } = await import(pathToFileURL(webgpuPath).href);
Object.assign(globalThis, globals);
const gpu = create([]);
const bundle = new URL('./.build/device-main.mjs', import.meta.url);
const { main } = await import(bundle.href);
const res = await main(gpu, { quick: flag('--quick'), reps: Number(val('--reps', '5')), out, skip: val('--skip', '').split(',').filter(Boolean) });
const bad = res ? res.checks.filter((c) => !c.ok).length : 0;
process.exit(bad === 0 ? 0 : 1);
