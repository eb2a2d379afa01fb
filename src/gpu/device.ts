// Device acquisition: ask for the adapter's own limits and the optional features we can use,
// fall back cleanly when they are absent, and explain (not throw blindly) when WebGPU is missing.

export const OPTIONAL_FEATURES = ['timestamp-query', 'shader-f16', 'subgroups'] as const;
export type OptionalFeature = (typeof OPTIONAL_FEATURES)[number];

/** Limit names we copy from the adapter when `for…in` over GPUSupportedLimits finds nothing. */
const KNOWN_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
  'maxUniformBufferBindingSize',
  'maxBindGroups',
  'maxBindingsPerBindGroup',
];

export interface AdapterLike {
  readonly features: { has(name: string): boolean };
  readonly limits: object;
}

export interface DevicePlan {
  requiredFeatures: OptionalFeature[];
  requiredLimits: Record<string, number>;
}

/** Pure: what to request from this adapter. Tested with fake adapters (features present/absent). */
export function planDeviceRequest(adapter: AdapterLike): DevicePlan {
  const requiredFeatures = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f));
  const requiredLimits: Record<string, number> = {};
  const lim = adapter.limits as Record<string, unknown>;
  const names = new Set<string>(KNOWN_LIMITS);
  for (const k in lim) names.add(k);
  for (const k of names) {
    const v = lim[k];
    if (typeof v === 'number' && Number.isFinite(v)) requiredLimits[k] = v;
  }
  return { requiredFeatures, requiredLimits };
}

export interface Capabilities {
  features: Set<OptionalFeature>;
  limits: {
    maxStorageBufferBindingSize: number;
    maxBufferSize: number;
    maxComputeWorkgroupsPerDimension: number;
    maxComputeWorkgroupStorageSize: number;
    maxComputeInvocationsPerWorkgroup: number;
    maxStorageBuffersPerShaderStage: number;
  };
  adapterDescription: string;
}

export function capabilitiesOf(device: GPUDevice, adapterDescription = ''): Capabilities {
  const features = new Set<OptionalFeature>(OPTIONAL_FEATURES.filter((f) => device.features.has(f)));
  const l = device.limits;
  return {
    features,
    limits: {
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
    },
    adapterDescription,
  };
}

export type UnavailableReason = 'no-webgpu' | 'no-adapter' | 'device-failed';

/** Thrown when there is no usable GPU; the UI turns it into a full-page explanation. */
export class WebGpuUnavailable extends Error {
  constructor(
    readonly reason: UnavailableReason,
    message: string,
  ) {
    super(message);
    this.name = 'WebGpuUnavailable';
  }
}

export const UNAVAILABLE_HELP: Record<UnavailableReason, string> = {
  'no-webgpu':
    'This browser does not expose WebGPU (navigator.gpu is missing). Use Chrome/Edge 113+ on Windows, macOS or ChromeOS, Chrome 121+ on Android, Safari 26+, or Firefox 141+ on Windows. On Linux, start Chrome/Chromium with --enable-unsafe-webgpu (and --enable-features=Vulkan). WebGPU also needs a secure origin: https:// or http://localhost.',
  'no-adapter':
    'WebGPU is present but no GPU adapter was granted. The GPU may be blocklisted: check chrome://gpu, update the driver, or start Chrome with --enable-unsafe-webgpu. Headless Chromium on a machine without a GPU needs SwiftShader (--enable-unsafe-webgpu).',
  'device-failed':
    'A GPU adapter was found but creating a device failed. Close other GPU-heavy tabs and reload; if it persists, restart the browser.',
};

export interface Acquired {
  device: GPUDevice;
  caps: Capabilities;
}

/** Request an adapter and a device with the adapter's limits and any optional features present. */
export async function acquireDevice(gpu: GPU | undefined = globalThis.navigator?.gpu): Promise<Acquired> {
  if (!gpu) throw new WebGpuUnavailable('no-webgpu', UNAVAILABLE_HELP['no-webgpu']);
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch {
    adapter = null;
  }
  if (!adapter) throw new WebGpuUnavailable('no-adapter', UNAVAILABLE_HELP['no-adapter']);
  const plan = planDeviceRequest(adapter);
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({
      requiredFeatures: plan.requiredFeatures as GPUFeatureName[],
      requiredLimits: plan.requiredLimits,
    });
  } catch {
    // Some implementations reject a limit they advertised; retry with defaults rather than fail.
    try {
      device = await adapter.requestDevice({ requiredFeatures: plan.requiredFeatures as GPUFeatureName[] });
    } catch (e) {
      throw new WebGpuUnavailable('device-failed', `${UNAVAILABLE_HELP['device-failed']} (${String(e)})`);
    }
  }
  return { device, caps: capabilitiesOf(device, adapterDescription(adapter)) };
}

/** "vendor architecture device description" from GPUAdapterInfo (the autotuner's adapter key). */
export function adapterDescription(adapter: GPUAdapter): string {
  const info = (adapter as { info?: GPUAdapterInfo }).info;
  return info ? [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') : '';
}

export type GpuProblem =
  | { kind: 'lost'; reason: string; message: string }
  | { kind: 'error'; errorType: 'validation' | 'out-of-memory' | 'internal' | 'unknown'; message: string };

/**
 * The one path by which device loss and uncaptured errors reach the app.
 * Returns an unsubscribe function (for the uncaptured-error listener; loss fires once).
 */
export function watchDevice(device: GPUDevice, onProblem: (p: GpuProblem) => void): () => void {
  let active = true;
  device.lost.then((info) => {
    if (active) onProblem({ kind: 'lost', reason: String(info.reason ?? 'unknown'), message: info.message });
  });
  const onError = (ev: Event) => {
    const err = (ev as GPUUncapturedErrorEvent).error;
    const errorType =
      typeof GPUOutOfMemoryError !== 'undefined' && err instanceof GPUOutOfMemoryError
        ? 'out-of-memory'
        : typeof GPUValidationError !== 'undefined' && err instanceof GPUValidationError
          ? 'validation'
          : typeof GPUInternalError !== 'undefined' && err instanceof GPUInternalError
            ? 'internal'
            : 'unknown';
    onProblem({ kind: 'error', errorType, message: err?.message ?? String(err) });
  };
  device.addEventListener('uncapturederror', onError);
  return () => {
    active = false;
    device.removeEventListener('uncapturederror', onError);
  };
}
