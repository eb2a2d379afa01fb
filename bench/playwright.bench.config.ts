import { defineConfig } from '@playwright/test';
import { chromiumArgs } from '../playwright.config';

// `npm run bench`: benchmarks in headless Chromium (WebGPU through SwiftShader on machines without a
// GPU: absolute numbers there mean little; ratios between implementations in the same page do).
const PORT = Number(process.env.BENCH_PORT ?? 5197);

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.bench\.ts$/,
  timeout: 70 * 60_000,
  expect: { timeout: 30_000 },
  workers: 1,
  reporter: [['list']],
  outputDir: '../test-results/bench',
  use: {
    baseURL: `http://localhost:${PORT}`,
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || undefined,
      // Precise performance.memory and window.gc() for the soak test's JS-heap samples.
      args: [...chromiumArgs, '--enable-precise-memory-info', '--js-flags=--expose-gc'],
    },
  },
  webServer: {
    command: `npx vite --port ${PORT} --strictPort`,
    url: `http://localhost:${PORT}`,
    // Serve the repository root (the default cwd would be this config's folder): npm runs scripts there.
    cwd: process.cwd(),
    env: { SHARELAB_NO_HMR: '1' },
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
  },
});
