// One validation image (RGBA from the dataset message) drawn into a small canvas; with `set`, one image
// of that evaluation set (its thumbnails come with DatasetInfo.evalSets).
import { useEffect, useMemo, useRef } from 'react';
import type { DatasetInfo } from '../data/types';
import { useStore } from '../store/store';

export interface Images {
  rgba: Uint8ClampedArray;
  size: number;
  captions: string[][];
}

/** The images a view shows: the own validation split (set null) or an evaluation set's thumbnails. */
export function imagesOf(info: DatasetInfo | null, set: string | null | undefined): Images | undefined {
  if (!info) return undefined;
  if (!set) return { rgba: info.valImages.rgba, size: info.size, captions: info.valImages.captions };
  return info.evalSets?.find((e) => e.name === set)?.thumbs;
}

export function useImages(set?: string | null): Images | undefined {
  const info = useStore((s) => s.dataset);
  return useMemo(() => imagesOf(info, set), [info, set]);
}

export function Thumb({ index, size = 48, title, set }: { index: number; size?: number; title?: string; set?: string | null }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const images = useImages(set);
  useEffect(() => {
    const c = ref.current;
    if (!c || !images) return;
    const S = images.size;
    const px = images.rgba.subarray(index * S * S * 4, (index + 1) * S * S * 4);
    if (px.length !== S * S * 4) return;
    c.width = S;
    c.height = S;
    c.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(px), S, S), 0, 0);
  }, [images, index]);
  return <canvas ref={ref} className="thumb" style={{ width: size, height: size }} role="img" aria-label={title ?? `${set ? `${set} image` : 'validation image'} ${index}`} />;
}
