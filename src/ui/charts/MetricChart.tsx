// One scalar validation metric over evaluations (gap, alignment, uniformity), one colour per run.
import { useMemo } from 'react';
import { METRIC_HELP } from '../help';
import { Plot, type PlotData } from './Plot';
import { selectRuns, useThrottled } from './useThrottled';

type Metric = 'modalityGap' | 'alignment' | 'uniformity';
const TITLES: Record<Metric, string> = { modalityGap: 'Modality gap', alignment: 'Alignment', uniformity: 'Uniformity' };

export function MetricChart({ metric }: { metric: Metric }) {
  const runs = useThrottled(selectRuns);
  const data = useMemo(
    () =>
      Object.values(runs)
        .filter((r) => r.evals.length)
        .map(
          (r): PlotData => ({
            type: 'scatter',
            mode: 'lines+markers',
            name: r.label,
            x: r.evals.map((e) => e.step),
            y: r.evals.map((e) => e[metric]),
            line: { color: r.color, width: 1.5 },
            marker: { size: 5 },
          }),
        ),
    [runs, metric],
  );
  return <Plot id={metric} title={TITLES[metric]} help={METRIC_HELP[metric]} data={data} layout={{ xaxis: { title: { text: 'step' } } }} />;
}
