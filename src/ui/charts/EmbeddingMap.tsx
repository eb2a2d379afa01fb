// 2-D map of one run's validation embeddings: images ●, captions ✕, pairs linked by thin lines.
// PCA (both modalities on the same axes, the modality gap visible) or UMAP (neighbourhoods). Hovering a
// point shows its image thumbnail and caption. With `set`, `run.snapshot` is that evaluation set's
// ('eval-set' message) and the hovers show the set's thumbnails.
import { useMemo, useRef, useState } from 'react';
import type { RunInfo } from '../../store/runsSlice';
import { METRIC_HELP } from '../help';
import { STATS_HELP } from '../help-stats';
import { Thumb, useImages } from '../Thumb';
import { Plot, type PlotData } from './Plot';
import { useUmap } from './useUmap';

export type Projection = 'pca' | 'umap';

export interface EmbeddingMapProps {
  run: RunInfo;
  method?: Projection;
  /** Shared PCA axis half-range across runs (same scale in every panel); autoscaled when absent. */
  range?: number;
  /** The evaluation set the snapshot is of (null / absent: the own validation split). */
  set?: string | null;
}

/** Largest |coordinate| of a run's PCA projection (for a shared axis range). */
export function pcaExtent(run: RunInfo): number {
  const p = run.snapshot?.projection;
  if (!p) return 0;
  let m = 0;
  for (const v of p.image) m = Math.max(m, Math.abs(v));
  for (const v of p.text) m = Math.max(m, Math.abs(v));
  return m;
}

/**
 * PCA axes have arbitrary signs: flip each so the images' mean lies on its positive side, so every
 * run's panel shows images right / captions left (when there is a gap) and panels read alike.
 */
function orient(n: number, img: ArrayLike<number>, txt: ArrayLike<number>): [Float32Array, Float32Array] {
  const sign = [0, 1].map((a) => {
    let m = 0;
    for (let i = 0; i < n; i++) m += img[2 * i + a];
    return m < 0 ? -1 : 1;
  });
  const flip = (x: ArrayLike<number>) => Float32Array.from({ length: 2 * n }, (_, k) => x[k] * sign[k % 2]);
  return [flip(img), flip(txt)];
}

function traces(n: number, img: ArrayLike<number>, txt: ArrayLike<number>, color: string): PlotData[] {
  const ix = Array.from({ length: n }, (_, i) => img[2 * i]);
  const iy = Array.from({ length: n }, (_, i) => img[2 * i + 1]);
  const tx = Array.from({ length: n }, (_, i) => txt[2 * i]);
  const ty = Array.from({ length: n }, (_, i) => txt[2 * i + 1]);
  const lx: (number | null)[] = [];
  const ly: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    lx.push(ix[i], tx[i], null);
    ly.push(iy[i], ty[i], null);
  }
  return [
    { type: 'scatter', mode: 'lines', x: lx, y: ly, line: { color: 'rgba(120,120,140,0.35)', width: 0.6 }, hoverinfo: 'skip', name: 'pairs' },
    { type: 'scatter', mode: 'markers', name: 'images', x: ix, y: iy, hoverinfo: 'none', marker: { color, size: 6, symbol: 'circle' } },
    { type: 'scatter', mode: 'markers', name: 'captions', x: tx, y: ty, hoverinfo: 'none', marker: { color: '#222', size: 6, symbol: 'x' } },
  ];
}

export function EmbeddingMap({ run, method = 'pca', range, set }: EmbeddingMapProps) {
  const proj = run.snapshot?.projection;
  const captions = useImages(set)?.captions;
  const umap = useUmap(run, method === 'umap');
  const [hover, setHover] = useState<{ kind: 'image' | 'caption'; index: number; left: number; top: number } | null>(null);
  const wrap = useRef<HTMLDivElement>(null);
  const data = useMemo((): PlotData[] => {
    if (!proj) return [];
    if (method === 'pca') return traces(proj.n, ...orient(proj.n, proj.image, proj.text), run.color);
    if (!(umap instanceof Float32Array)) return [];
    const n = proj.n;
    return traces(n, umap.subarray(0, 2 * n), umap.subarray(2 * n, 4 * n), run.color);
  }, [proj, method, umap, run.color]);
  const layout = useMemo((): Partial<Plotly.Layout> => {
    const axis = (t: string): Partial<Plotly.LayoutAxis> =>
      method === 'pca' && range ? { title: { text: t }, range: [-range * 1.08, range * 1.08], zeroline: true } : { title: { text: t }, zeroline: false };
    return { xaxis: axis(method === 'pca' ? 'PC1' : 'UMAP 1'), yaxis: axis(method === 'pca' ? 'PC2' : 'UMAP 2'), margin: { l: 48, r: 12, t: 8, b: 40 } };
  }, [method, range]);
  const ev = method === 'pca' && proj ? ` (PC1 ${(proj.explained[0] * 100).toFixed(0)}%, PC2 ${(proj.explained[1] * 100).toFixed(0)}%)` : method === 'umap' ? ' (UMAP)' : '';
  const empty = !proj ? 'No evaluation yet' : umap && !(umap instanceof Float32Array) ? `UMAP failed: ${umap.error}` : !run.snapshot?.embeddings ? 'No embeddings in this evaluation' : 'Computing UMAP…';
  const cap = hover ? (captions?.[hover.index]?.[0] ?? '') : '';
  return (
    <div className="embed-wrap" data-method={method} ref={wrap}>
      <Plot
        id={`embedding-${run.id}`}
        title={`Embedding map · ${run.label}${ev}`}
        help={method === 'pca' ? METRIC_HELP.embedding : STATS_HELP.umap}
        data={data}
        layout={layout}
        height={280}
        empty={empty}
        onHover={(p) => {
          if (p.curveNumber !== 1 && p.curveNumber !== 2) return;
          // Beside the pointer, on the side with room, inside the panel.
          const r = wrap.current?.getBoundingClientRect();
          const x = r ? p.clientX - r.left : 0;
          const y = r ? p.clientY - r.top : 0;
          const w = r?.width ?? 600;
          const left = x + 300 < w ? x + 14 : Math.max(0, x - 294);
          const top = Math.max(24, Math.min(y - 30, (r?.height ?? 300) - 80));
          setHover({ kind: p.curveNumber === 1 ? 'image' : 'caption', index: p.pointNumber, left, top });
        }}
        onUnhover={() => setHover(null)}
      />
      {hover ? (
        <div className="embed-hover" data-testid="embedding-hover" role="status" style={{ left: hover.left, top: hover.top }}>
          <Thumb index={hover.index} size={56} set={set} />
          <span>
            <b>{hover.kind === 'image' ? `image #${hover.index}` : `caption of #${hover.index}`}</b>
            <br />
            {cap}
          </span>
        </div>
      ) : null}
    </div>
  );
}
