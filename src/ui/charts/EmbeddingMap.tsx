// 2-D PCA of one run's validation embeddings: images ●, captions ✕, pairs linked by thin lines.
import { useMemo } from 'react';
import type { RunInfo } from '../../store/runsSlice';
import { useStore } from '../../store/store';
import { METRIC_HELP } from '../help';
import { Plot, type PlotData } from './Plot';

export function EmbeddingMap({ run }: { run: RunInfo }) {
  const proj = run.snapshot?.projection;
  const captions = useStore((s) => s.dataset?.valImages.captions);
  const data = useMemo((): PlotData[] => {
    if (!proj) return [];
    const n = proj.n;
    const ix = Array.from({ length: n }, (_, i) => proj.image[2 * i]);
    const iy = Array.from({ length: n }, (_, i) => proj.image[2 * i + 1]);
    const tx = Array.from({ length: n }, (_, i) => proj.text[2 * i]);
    const ty = Array.from({ length: n }, (_, i) => proj.text[2 * i + 1]);
    const lx: (number | null)[] = [];
    const ly: (number | null)[] = [];
    for (let i = 0; i < n; i++) {
      lx.push(ix[i], tx[i], null);
      ly.push(iy[i], ty[i], null);
    }
    const cap = (i: number) => captions?.[i]?.[0] ?? '';
    return [
      { type: 'scatter', mode: 'lines', x: lx, y: ly, line: { color: 'rgba(120,120,140,0.35)', width: 0.6 }, hoverinfo: 'skip', name: 'pairs' },
      {
        type: 'scatter',
        mode: 'markers',
        name: 'images',
        x: ix,
        y: iy,
        text: ix.map((_, i) => `image #${i}: ${cap(i)}`),
        hoverinfo: 'text',
        marker: { color: run.color, size: 6, symbol: 'circle' },
      },
      {
        type: 'scatter',
        mode: 'markers',
        name: 'captions',
        x: tx,
        y: ty,
        text: tx.map((_, i) => `caption of #${i}: ${cap(i)}`),
        hoverinfo: 'text',
        marker: { color: '#222', size: 6, symbol: 'x' },
      },
    ];
  }, [proj, captions, run.color]);
  const ev = proj ? ` (PC1 ${(proj.explained[0] * 100).toFixed(0)}%, PC2 ${(proj.explained[1] * 100).toFixed(0)}%)` : '';
  return <Plot id={`embedding-${run.id}`} title={`Embedding map · ${run.label}${ev}`} help={METRIC_HELP.embedding} data={data} height={260} empty="No evaluation yet" />;
}
