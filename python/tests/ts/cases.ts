// The configurations checked for PyTorch parity (python/tests, e2e/torch-parity.spec.ts): every preset as
// registered, plus variants that reach what the presets leave out (SigLIP, mean pooling, unequal towers,
// a non-causal text tower, a shared final LayerNorm in a custom matrix, a patch-4 MS-CLIP with two fusions,
// MS-CLIP with our stem variant 'conv-plus-layer0').
import type { ClipConfig } from '../../../src/model/config';
import { PRESET_NAMES, presetConfig } from '../../../src/model/registry';

export interface ParityCase {
  name: string;
  cfg: ClipConfig;
  /** Batch size of the parity inputs. */
  B: number;
  /** Seed of the initial weights (createModel) and of the inputs (tinyInputs). */
  seed: number;
}

export function parityCases(): ParityCase[] {
  const presets = PRESET_NAMES.map((name) => ({ name, cfg: presetConfig(name) }));
  const variants = [
    { name: 'shared-all+siglip', cfg: presetConfig('shared-all', { loss: 'siglip' }) },
    { name: 'ms-clip+siglip+mean', cfg: presetConfig('ms-clip', { loss: 'siglip', vision: { pool: 'mean' } }) },
    {
      name: 'separate+unequal',
      cfg: presetConfig('separate', { vision: { width: 48, depth: 2, heads: 3, mlpRatio: 2 }, text: { depth: 3, causal: false }, embedDim: 32 }),
    },
    { name: 'custom+finalLn', cfg: presetConfig('custom', { sharing: { finalLn: true } }) },
    // Ours: the conv stem replacing only the patch embedding, an unshared vision block 0 after it.
    { name: 'ms-clip+layer0', cfg: presetConfig('ms-clip', { vision: { stem: 'conv-plus-layer0' } }) },
    { name: 'ms-clip+p4', cfg: presetConfig('ms-clip', { vision: { patchSize: 4, imageSize: 16, depth: 5 }, text: { depth: 5 } }) },
  ];
  return [...presets, ...variants].map((c, i) => ({ ...c, B: 4, seed: 100 + i }));
}

/** Directory-safe name of a case. */
export const caseDir = (name: string) => name.replace(/[^a-z0-9-]+/gi, '_');
