import { describe, expect, it } from 'vitest';
import { BpeTokenizer } from '../data/tokenizer';
import { buildLayout } from '../model/params';
import { presetConfig } from '../model/registry';
import { writeCheckpoint } from '../train/checkpoint';
import { DEFAULT_HYPER } from '../train/hyper';
import { pytorchBundle, pytorchCommands, slug } from './pytorch';

describe('Export for PyTorch', () => {
  it('bundles the checkpoint, config, tokenizer, hyper-parameters and commands that point at them', () => {
    const cfg = presetConfig('ms-clip', { vision: { depth: 1 }, text: { depth: 1 } });
    const L = buildLayout(cfg);
    const n = L.totalElements;
    const tok = BpeTokenizer.train(['a red circle'], { vocabSize: 300 });
    const bytes = writeCheckpoint(L, { params: new Float32Array(n), m: new Float32Array(n), v: new Float32Array(n) }, { config: cfg, tokenizer: tok.toJSON(), step: 80, seed: 4, hyper: { ...DEFAULT_HYPER, batchSize: 32 } });
    const files = pytorchBundle('ms-clip · seed 4', bytes);
    const dec = new TextDecoder();
    expect(Object.keys(files).sort()).toEqual(['ms-clip-seed-4/README.txt', 'ms-clip-seed-4/config.json', 'ms-clip-seed-4/hyper.json', 'ms-clip-seed-4/init.safetensors', 'ms-clip-seed-4/tokenizer.json', 'ms-clip-seed-4/train.sh']);
    expect(files['ms-clip-seed-4/init.safetensors']).toBe(bytes);
    expect(JSON.parse(dec.decode(files['ms-clip-seed-4/config.json']))).toEqual(cfg);
    expect(JSON.parse(dec.decode(files['ms-clip-seed-4/tokenizer.json']))).toEqual(tok.toJSON());
    expect(JSON.parse(dec.decode(files['ms-clip-seed-4/hyper.json'])).seed).toBe(4);
    const readme = dec.decode(files['ms-clip-seed-4/README.txt']);
    expect(readme).toContain('torchrun --nproc_per_node=8 -m sharelab_torch.train --init ../ms-clip-seed-4/init.safetensors');
    expect(readme).toContain('--batch-size 32');
    expect(readme).toContain('--spawn 2');
  });

  it('refuses bytes that are not a checkpoint', () => {
    expect(() => pytorchBundle('x', new Uint8Array([1, 2, 3]))).toThrow();
  });

  it('passes non-default per-group optimiser multipliers to the twin as flags', () => {
    const plain = pytorchCommands('r', DEFAULT_HYPER).join('\n');
    expect(plain).not.toMatch(/--lr-mult|--wd-mult/);
    const ms = pytorchCommands('r', { ...DEFAULT_HYPER, lrMultShared: 0.5, wdMultShared: 2 }).join('\n');
    expect(ms).toContain('--weight-decay 0.1 --lr-mult-shared 0.5 --wd-mult-shared 2');
  });

  it('makes safe folder names', () => {
    expect(slug('shared-all · seed 2 (2)')).toBe('shared-all-seed-2-2');
    expect(slug('../../etc')).toBe('etc');
    expect(slug('···')).toBe('run');
  });
});
