import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The dev server must be a secure origin for WebGPU: http://localhost qualifies.
export default defineConfig({
  plugins: [react()],
  server: { host: 'localhost', port: 5173, strictPort: false },
  preview: { host: 'localhost', port: 4173 },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 6000,
    rollupOptions: { input: { main: 'index.html', kernels: 'kernels.html', experiment: 'experiment.html', bench: 'bench.html' } },
  },
});
