import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../model/config';
import { buildLayout } from '../model/params';
import { teacherProblem } from '../model/teacher';
import { DEFAULT_ADAPTER_BLOCKS, adapterConfig, adapterFieldErrors, adapterLabel } from './teacher-adapter';

describe('teacher adapter fields', () => {
  it('checks hidden for mlp and residual, blocks only for residual, and agrees with the model where it refuses', () => {
    expect(adapterFieldErrors('linear', -3, 0)).toEqual({});
    expect(adapterFieldErrors('mlp', 0, 0)).toEqual({});
    expect(adapterFieldErrors('mlp', 2.5, 0).hidden).toMatch(/integer/);
    expect(adapterFieldErrors('residual', 0, DEFAULT_ADAPTER_BLOCKS)).toEqual({});
    expect(adapterFieldErrors('residual', 20000, 4).hidden).toMatch(/16384/);
    for (const blocks of [0, 65, 1.5]) {
      expect(adapterFieldErrors('residual', 0, blocks).blocks).toMatch(/1 to 64/);
      const cfg = { ...DEFAULT_CONFIG, teacher: { dim: 8, ...adapterConfig('residual', 0, blocks) } };
      expect(teacherProblem(cfg)).toMatch(/^teacher\.blocks/);
    }
  });

  it('gives the residual adapter its blocks (default 4, as LLM2CLIP) and builds that many blocks', () => {
    expect(adapterConfig('linear', 16, 4)).toEqual({ adapter: 'linear' });
    expect(adapterConfig('mlp', 16, 4)).toEqual({ adapter: 'mlp', hidden: 16 });
    expect(adapterConfig('residual', 0, 2)).toEqual({ adapter: 'residual', blocks: 2 });
    const L = buildLayout({ ...DEFAULT_CONFIG, teacher: { dim: 8, ...adapterConfig('residual', 0, DEFAULT_ADAPTER_BLOCKS) } });
    const blocks = new Set(L.views.map((v) => v.name.match(/^text\.adapter\.blocks\.(\d+)\./)?.[1]).filter((x) => x !== undefined));
    expect(blocks.size).toBe(4);
  });

  it('labels the adapter as a run shows it', () => {
    expect(adapterLabel({ adapter: 'linear' })).toBe('linear');
    expect(adapterLabel({ adapter: 'mlp', hidden: 256 })).toBe('mlp 256');
    expect(adapterLabel({ adapter: 'residual' })).toBe('residual ×4');
    expect(adapterLabel({ adapter: 'residual', blocks: 2, hidden: 32 })).toBe('residual ×2 32');
  });
});
