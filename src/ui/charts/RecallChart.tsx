// R@1/5/10 over evaluations for one retrieval direction, one colour per run, dash per K.
import { useMemo } from 'react';
import { METRIC_HELP } from '../help';
import { Plot, type PlotData } from './Plot';
import { selectRuns, useThrottled } from './useThrottled';

const DASH = { 1: 'solid', 5: 'dash', 10: 'dot' } as const;

export function RecallChart({ direction }: { direction: 'i2t' | 't2i' }) {
  const runs = useThrottled(selectRuns);
  const data = useMemo(
    () =>
      Object.values(runs).flatMap((r) =>
        r.evals.length
          ? ([1, 5, 10] as const).map(
              (k): PlotData => ({
                type: 'scatter',
                mode: 'lines+markers',
                name: `${r.label} R@${k}`,
                x: r.evals.map((e) => e.step),
                y: r.evals.map((e) => e[direction][k]),
                line: { color: r.color, dash: DASH[k], width: 1.5 },
                marker: { size: 4 },
              }),
            )
          : [],
      ),
    [runs, direction],
  );
  const title = direction === 'i2t' ? 'Image→text R@1/5/10' : 'Text→image R@1/5/10';
  return <Plot id={`recall-${direction}`} title={title} help={METRIC_HELP[direction]} data={data} layout={{ xaxis: { title: { text: 'step' } }, yaxis: { range: [0, 1.02] } }} />;
}
