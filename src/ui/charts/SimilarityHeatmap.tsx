// The (n, n) image × caption similarity of one run's latest evaluation.
import { useMemo } from 'react';
import type { RunInfo } from '../../store/runsSlice';
import { METRIC_HELP } from '../help';
import { Plot, type PlotData } from './Plot';

export function SimilarityHeatmap({ run }: { run: RunInfo }) {
  const sim = run.snapshot?.similarity;
  const data = useMemo((): PlotData[] => {
    if (!sim) return [];
    const z = Array.from({ length: sim.n }, (_, i) => Array.from(sim.values.subarray(i * sim.n, (i + 1) * sim.n)));
    return [{ type: 'heatmap', z, colorscale: 'Viridis', zmin: -1, zmax: 1, hovertemplate: 'image %{y} · caption %{x}: %{z:.3f}<extra></extra>', colorbar: { thickness: 10 } }];
  }, [sim]);
  return (
    <Plot
      id={`similarity-${run.id}`}
      title={`Similarity · ${run.label}`}
      help={METRIC_HELP.similarity}
      data={data}
      height={260}
      empty="No evaluation yet"
      layout={{ yaxis: { autorange: 'reversed', title: { text: 'image' } }, xaxis: { title: { text: 'caption' } }, margin: { l: 48, r: 8, t: 8, b: 36 } }}
    />
  );
}
