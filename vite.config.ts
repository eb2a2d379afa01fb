import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const PAGES = { main: 'index.html', kernels: 'kernels.html', experiment: 'experiment.html', bench: 'bench.html' };
/** Set by playwright.config.ts when the browser tests run against a build (E2E_BUILT). */
const E2E_BUILD = !!process.env.SHARELAB_E2E_BUILD;

// The dev server must be a secure origin for WebGPU: http://localhost qualifies.
export default defineConfig({
  plugins: [react()],
  // Tests set SHARELAB_NO_HMR: a file saved during a browser test must not reload the page under it.
  server: { host: 'localhost', port: 5173, strictPort: false, ...(process.env.SHARELAB_NO_HMR ? { hmr: false } : {}) },
  preview: { host: 'localhost', port: 4173 },
  worker: { format: 'es' },
  // Dependencies imported from workers (UMAP, ingest, ONNX/teacher): Vite's start-up scan does not follow
  // workers, and a dependency optimised later invalidates the running worker's imports (a fresh clone hangs).
  optimizeDeps: { include: ['umap-js', 'onnx-proto', 'onnxruntime-web', 'onnxruntime-web/webgpu', 'fflate', 'nanotar', 'papaparse'] },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 6000,
    rollupOptions: E2E_BUILD
      ? {
          // The browser tests' build (playwright.config.ts): also the torch-parity page module, at a fixed
          // URL with its exports kept, since e2e/torch-parity.spec.ts imports it by URL.
          input: { ...PAGES, 'torch-parity': 'e2e/torch-parity.page.ts' },
          preserveEntrySignatures: 'exports-only',
          output: { entryFileNames: (c) => (c.name === 'torch-parity' ? 'e2e/torch-parity.page.js' : 'assets/[name]-[hash].js') },
        }
      : { input: PAGES },
  },
});
