// Run a command with the environment our GPU tests need:
// - Dawn in Node (the `webgpu` package) needs a Vulkan loader + ICD. Debian's chromium ships both
//   (SwiftShader, a CPU Vulkan), so point the loader there when no system one is configured.
// - Playwright drives the system Chromium; its path goes in CHROMIUM_PATH.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CHROMIUM_HELP, findChromium } from './find-chromium.mjs';

export function gpuEnv() {
  const env = { ...process.env };
  const chromiumLib = '/usr/lib/chromium';
  if (!env.VK_ICD_FILENAMES && existsSync(`${chromiumLib}/vk_swiftshader_icd.json`)) {
    env.VK_ICD_FILENAMES = `${chromiumLib}/vk_swiftshader_icd.json`;
  }
  if (existsSync(`${chromiumLib}/libvulkan.so.1`)) {
    env.LD_LIBRARY_PATH = [env.LD_LIBRARY_PATH, chromiumLib].filter(Boolean).join(':');
  }
  const chromium = findChromium();
  if (chromium) env.CHROMIUM_PATH = chromium;
  return { env, chromium };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [cmd, ...args] = process.argv.slice(2);
  const { env, chromium } = gpuEnv();
  if (!chromium && (cmd === 'playwright')) {
    console.error(CHROMIUM_HELP);
    process.exit(1);
  }
  const r = spawnSync('npx', ['--no-install', cmd, ...args], { stdio: 'inherit', env });
  process.exit(r.status ?? 1);
}
