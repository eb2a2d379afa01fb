import { defineConfig } from 'vitest/config';

// Unit tests run in Node, CPU only: references vs float64 finite differences, layouts, data,
// tokenizer, statistics. GPU checks run in real Chromium (e2e/*.spec.ts): Dawn through the `webgpu`
// npm package crashed or hung intermittently inside vitest workers here (std::system_error at
// start-up), while the same code in Chromium's WebGPU is reliable.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
