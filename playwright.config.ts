import { defineConfig } from '@playwright/test';

// Browser tests drive the system Chromium (browsers cannot be downloaded here): scripts/gpu-env.mjs
// puts its path in CHROMIUM_PATH. WebGPU needs a secure origin, so pages are served from localhost.
const PORT = Number(process.env.E2E_PORT ?? 5181);

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
  workers: 1,
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
    command: `npx vite --port ${PORT} --strictPort`,
    url: `http://localhost:${PORT}`,
    reuseExistingServer: !process.env.CI,
    env: { SHARELAB_NO_HMR: '1' },
    timeout: 120_000,
  },
});
