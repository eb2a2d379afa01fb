import { defineConfig } from '@playwright/test';

// Browser tests drive the system Chromium (browsers cannot be downloaded here): scripts/gpu-env.mjs
// puts its path in CHROMIUM_PATH. WebGPU needs a secure origin, so pages are served from localhost.
const PORT = Number(process.env.E2E_PORT ?? 5181);
// E2E_BUILT=1 (what `npm test` sets): serve a production build with `vite preview` instead of the dev
// server, so no spec waits on hundreds of modules being transformed on the fly (a fresh clone's first page
// load) and every page load is a few bundles, not one request per module. Unset (a single spec while
// editing): the dev server, so a rerun sees the edit without a rebuild.
const BUILT = !!process.env.E2E_BUILT && process.env.E2E_BUILT !== '0';
const DIST = 'node_modules/.sharelab-e2e-dist';
// E2E_WORKERS: specs in parallel browsers. Default 1 here (one spec while editing); `npm test` passes 2: a spec
// keeps about one core busy (on SwiftShader ~93% of the GPU process's CPU time was its main thread compiling
// pipelines, measured on the kernel page), so two browsers use both cores of a 2-core machine.
const WORKERS = Number(process.env.E2E_WORKERS ?? 1);

export const chromiumArgs = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-angle=swiftshader',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export default defineConfig({
  testDir: 'e2e',
  timeout: 10 * 60_000,
  expect: { timeout: 30_000 },
  workers: WORKERS,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${PORT}`,
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || undefined,
      args: chromiumArgs,
    },
  },
  webServer: {
    command: BUILT
      ? `npx vite build --outDir ${DIST} --emptyOutDir --logLevel warn && npx vite preview --outDir ${DIST} --port ${PORT} --strictPort`
      : `npx vite --port ${PORT} --strictPort`,
    url: `http://localhost:${PORT}`,
    reuseExistingServer: !process.env.CI,
    env: BUILT ? { SHARELAB_E2E_BUILD: '1' } : { SHARELAB_NO_HMR: '1' },
    timeout: BUILT ? 300_000 : 120_000,
  },
});
