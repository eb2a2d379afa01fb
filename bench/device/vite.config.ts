// Bundles bench/device/device-main.ts for Node: shaders (?raw, import.meta.glob) inlined and every
// dependency bundled, so the GPU machine needs only node, this one file and the `webgpu` package.
import { defineConfig } from 'vite';

export default defineConfig({
  root: process.cwd(),
  logLevel: 'warn',
  ssr: { noExternal: true, target: 'node' },
  build: {
    ssr: 'bench/device/device-main.ts',
    outDir: 'bench/device/.build',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rollupOptions: { output: { format: 'es', entryFileNames: 'device-main.mjs' } },
  },
});
