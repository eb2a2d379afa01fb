// Entry of the Node + Dawn half of `npm run bench:device`, bundled by vite (bench/device/vite.config.ts:
// shaders inlined, every dependency bundled) so it runs from one file on a machine without node_modules.
// bench/device/node-run.mjs loads Dawn (the `webgpu` package), installs its globals and calls main().
import { writeFileSync } from 'node:fs';
import { type DeviceBenchResult, runDeviceBench } from '../../src/bench/device-bench';
import { deviceReport } from '../../src/bench/device-report';
import { adapterDescription, capabilitiesOf, planDeviceRequest } from '../../src/gpu/device';
import { Gpu } from '../../src/gpu/runtime';

export async function main(gpuApi: GPU, o: { quick: boolean; reps: number; out: string; skip: string[] }): Promise<DeviceBenchResult | null> {
  const adapter = await gpuApi.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    console.log('[device] Dawn found no WebGPU adapter (no Vulkan driver / ICD?): the kernel half is skipped.');
    writeFileSync(`${o.out}.md`, '## Our kernels (Node + Dawn)\n\nDawn found no WebGPU adapter on this machine: not run.\n');
    return null;
  }
  const plan = planDeviceRequest(adapter);
  const device = await adapter.requestDevice({ requiredFeatures: plan.requiredFeatures as GPUFeatureName[], requiredLimits: plan.requiredLimits });
  const gpu = new Gpu(device, { caps: capabilitiesOf(device, adapterDescription(adapter)) });
  console.log(`[device] adapter: ${gpu.caps.adapterDescription}; features: ${[...device.features].join(', ')}`);
  const res = await runDeviceBench(gpu, { quick: o.quick, reps: o.reps, skip: new Set(o.skip), log: (s) => console.log(`[device] ${s}`) });
  writeFileSync(`${o.out}.json`, JSON.stringify(res, null, 2));
  writeFileSync(`${o.out}.md`, deviceReport(res));
  gpu.destroy();
  return res;
}
