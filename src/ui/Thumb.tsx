// One validation image (RGBA from the dataset message) drawn into a small canvas.
import { useEffect, useRef } from 'react';
import { useStore } from '../store/store';

export function Thumb({ index, size = 48, title }: { index: number; size?: number; title?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const info = useStore((s) => s.dataset);
  useEffect(() => {
    const c = ref.current;
    if (!c || !info) return;
    const S = info.size;
    const px = info.valImages.rgba.subarray(index * S * S * 4, (index + 1) * S * S * 4);
    if (px.length !== S * S * 4) return;
    c.width = S;
    c.height = S;
    c.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(px), S, S), 0, 0);
  }, [info, index]);
  return <canvas ref={ref} className="thumb" style={{ width: size, height: size }} role="img" aria-label={title ?? `validation image ${index}`} />;
}
