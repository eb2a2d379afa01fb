import { defineConfig } from 'vitest/config';

// The TypeScript side of the PyTorch parity fixtures (python/tests): float64 reference outputs, checkpoints and
// tokenizer vectors written to python/tests/.fixtures/ref (TORCH_FIXTURES overrides). Run from the repo root:
//   npx vitest run --config python/tests/ts/vitest.config.ts
export default defineConfig({
  test: {
    root: new URL('../../..', import.meta.url).pathname,
    include: ['python/tests/ts/*.test.ts'],
    environment: 'node',
    testTimeout: 600_000,
  },
});
