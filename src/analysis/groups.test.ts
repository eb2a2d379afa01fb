import { describe, expect, it } from 'vitest';
import { configKey, configNames } from './groups';

const cfg = (width: number) => ({ name: 'tiny', vision: { width, depth: 1 }, embedDim: 16 });
const hyper = (lr: number, evalEvery = 3) => ({ lr, steps: 6, evalEvery, logEvery: 3, checkpointEvery: 0 });

describe('configNames', () => {
  it('groups seeds of one config; reporting intervals, key order and the config name do not split it', () => {
    const a = { id: 'a', preset: 'separate', config: cfg(16), hyper: hyper(1e-3) };
    const b = { id: 'b', preset: 'separate', config: { embedDim: 16, vision: { depth: 1, width: 16 }, name: 'other' }, hyper: hyper(1e-3, 100) };
    expect(configKey(a)).toBe(configKey(b));
    expect(configNames([a, b])).toEqual(
      new Map([
        ['a', 'separate'],
        ['b', 'separate'],
      ]),
    );
  });

  it('a preset trained under different settings becomes a second config; other presets keep their name', () => {
    const runs = [
      { id: 'r0', preset: 'separate', config: cfg(16), hyper: hyper(1e-3) },
      { id: 'r1', preset: 'shared-all', config: cfg(16), hyper: hyper(1e-3) },
      { id: 'r2', preset: 'separate', config: cfg(32), hyper: hyper(1e-3) },
      { id: 'r3', preset: 'separate', config: cfg(16), hyper: hyper(3e-3) },
      { id: 'r4', preset: 'separate', config: cfg(16), hyper: hyper(1e-3) },
    ];
    expect([...configNames(runs).values()]).toEqual(['separate', 'shared-all', 'separate (2)', 'separate (3)', 'separate']);
  });

  it('runs without a request group by preset', () => {
    expect([...configNames([{ id: 'x', preset: 'p' }, { id: 'y', preset: 'p' }]).values()]).toEqual(['p', 'p']);
  });

  it('names teacher runs after their teacher file and adapter', () => {
    const t = (id: string, file: string) => ({ id, preset: 'separate', config: { teacher: { adapter: 'mlp', source: { file } } }, hyper: { lr: 1 } });
    const names = configNames([{ id: 'a', preset: 'separate', config: {}, hyper: { lr: 1 } }, t('b', 'llm.npy'), t('c', 'llm.npy')]);
    expect([...names.values()]).toEqual(['separate', 'teacher: llm.npy (mlp)', 'teacher: llm.npy (mlp)']);
  });
});
