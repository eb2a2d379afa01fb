// Every WGSL kernel against its CPU reference (backward kernels also against float64 finite
// differences), in headless Chromium on WebGPU (SwiftShader here): the checks of src/kernels/*.check.ts.
import { test } from '@playwright/test';
import { runGpuChecks } from './gpu-checks';

test('every kernel matches its CPU reference on the browser GPU', async ({ page }) => {
  test.setTimeout(15 * 60_000);
  await runGpuChecks(page, 'kernels', 'group=kernels', 14 * 60_000);
});
