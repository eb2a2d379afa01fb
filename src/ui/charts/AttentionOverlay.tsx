// A validation image with a (grid × grid) attention map alpha-blended over it (canvas). No math here.
import { useEffect, useRef } from 'react';
import { useStore } from '../../store/store';
import { Help } from '../Help';

export interface OverlayProps {
  id: string;
  title: string;
  help: string;
  /** Validation image index (DatasetInfo.valImages). */
  index: number;
  /** grid² values, row-major patches. */
  values: number[];
  grid: number;
  size?: number;
}

export function AttentionOverlay({ id, title, help, index, values, grid, size = 192 }: OverlayProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const info = useStore((s) => s.dataset);
  useEffect(() => {
    const c = ref.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx || !info) return;
    const S = info.size;
    c.width = size;
    c.height = size;
    ctx.clearRect(0, 0, size, size);
    const px = info.valImages.rgba.subarray(index * S * S * 4, (index + 1) * S * S * 4);
    if (px.length === S * S * 4) {
      const img = document.createElement('canvas');
      img.width = S;
      img.height = S;
      img.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(px), S, S), 0, 0);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(img, 0, 0, size, size);
    }
    const max = Math.max(1e-12, ...values);
    const cell = size / grid;
    for (let k = 0; k < values.length; k++) {
      const a = Math.max(0, values[k] / max);
      ctx.fillStyle = `rgba(255, 30, 0, ${(0.75 * a).toFixed(3)})`;
      ctx.fillRect((k % grid) * cell, Math.floor(k / grid) * cell, cell, cell);
    }
    ctx.strokeStyle = 'rgba(255,255,255,0.35)';
    ctx.lineWidth = 1;
    for (let g = 1; g < grid; g++) {
      ctx.beginPath();
      ctx.moveTo(g * cell, 0);
      ctx.lineTo(g * cell, size);
      ctx.moveTo(0, g * cell);
      ctx.lineTo(size, g * cell);
      ctx.stroke();
    }
  }, [info, index, values, grid, size]);
  const max = values.length ? Math.max(...values) : 0;
  const png = () => {
    const c = ref.current;
    if (!c) return;
    const a = document.createElement('a');
    a.href = c.toDataURL('image/png');
    a.download = `sharelab-${id}.png`;
    a.click();
  };
  return (
    <figure className="chart overlay" data-chart={id}>
      <figcaption>
        <span className="chart-title">{title}</span>
        <Help text={help} label={`About ${title}`} />
        <button type="button" className="small" onClick={png} disabled={!values.length} aria-label={`Download ${title} as PNG`}>
          PNG
        </button>
      </figcaption>
      <canvas ref={ref} data-testid={id} role="img" aria-label={`${title}: attention over image ${index}, max ${max.toFixed(3)}`} style={{ width: size, height: size, imageRendering: 'pixelated' }} />
      <p className="muted small-note">max {max.toFixed(3)} (red = more attention)</p>
    </figure>
  );
}
