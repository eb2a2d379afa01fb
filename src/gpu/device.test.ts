import { describe, expect, it } from 'vitest';
import { planDeviceRequest } from './device';

const fakeAdapter = (features: string[], limits: Record<string, number>) => ({
  features: new Set(features),
  limits,
});

describe('planDeviceRequest', () => {
  it('requests every optional feature the adapter has, and the adapter limits', () => {
    const plan = planDeviceRequest(
      fakeAdapter(['timestamp-query', 'shader-f16', 'subgroups', 'texture-compression-bc'], {
        maxStorageBufferBindingSize: 1 << 30,
        maxComputeWorkgroupStorageSize: 32768,
      }),
    );
    expect(plan.requiredFeatures.sort()).toEqual(['shader-f16', 'subgroups', 'timestamp-query']);
    expect(plan.requiredLimits.maxStorageBufferBindingSize).toBe(1 << 30);
    expect(plan.requiredLimits.maxComputeWorkgroupStorageSize).toBe(32768);
  });

  it('falls back to no optional features when the adapter has none', () => {
    const plan = planDeviceRequest(fakeAdapter([], { maxBufferSize: 268435456 }));
    expect(plan.requiredFeatures).toEqual([]);
    expect(plan.requiredLimits).toEqual({ maxBufferSize: 268435456 });
  });

  it('ignores non-numeric or non-finite limit values', () => {
    const plan = planDeviceRequest({
      features: new Set<string>(['shader-f16']),
      limits: { maxBufferSize: Number.NaN, label: 'x', maxBindGroups: 4 } as unknown as object,
    });
    expect(plan.requiredFeatures).toEqual(['shader-f16']);
    expect(plan.requiredLimits).toEqual({ maxBindGroups: 4 });
  });
});
