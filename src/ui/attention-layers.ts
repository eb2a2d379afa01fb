// True layer indices for the attention / transfer / CKA views. With MS-CLIP's released Early Specialization
// (vision.stem = 'conv') the conv stem IS vision layer 0: the probe's vision entries are layers 1..N−1
// (entry j = layer j + first, first = firstVisionBlock), text entries are layers 0..N−1, and the transfer /
// CKA entry j pairs vision layer j + first with text layer j + first (src/train/probe.ts). Labels must say
// the layer, never the array position.
import { type VisionConfig, firstVisionBlock } from '../model/config';

/** The first vision layer with attention: 1 under the released conv stem, else 0 (also when the config is unknown). */
export const visionFirstLayer = (vision: VisionConfig | undefined): number => (vision ? firstVisionBlock(vision) : 0);

/** The true layer index of each of `n` entries that start at layer `first`. */
export const layerIndices = (n: number, first: number): number[] => Array.from({ length: n }, (_, j) => j + first);

/** The layers a joint selector offers: 0 .. max(vision, text depth) − 1, the stem layer named as such. */
export function layerOptions(visionEntries: number, textLayers: number, first: number): { value: number; text: string }[] {
  const n = Math.max(visionEntries + first, textLayers);
  return Array.from({ length: n }, (_, l) => ({ value: l, text: l < first ? `${l} (vision: conv stem, no attention)` : String(l) }));
}

/** The vision entry of true layer `layer` (clamped to the last), or null when that layer is the conv stem. */
export function visionEntry(layer: number, first: number, visionEntries: number): number | null {
  if (layer < first || visionEntries === 0) return null;
  return Math.min(layer - first, visionEntries - 1);
}
