// The learned logit scale s = exp(t) per logged step, one colour per run.
import { useMemo } from 'react';
import { METRIC_HELP } from '../help';
import { Plot, type PlotData } from './Plot';
import { selectRuns, useThrottled } from './useThrottled';

export function LogitScaleChart() {
  const runs = useThrottled(selectRuns);
  const data = useMemo(
    () =>
      Object.values(runs)
        .filter((r) => r.steps.length)
        .map(
          (r): PlotData => ({
            type: 'scatter',
            mode: 'lines',
            name: r.label,
            x: r.steps.map((s) => s.step),
            y: r.steps.map((s) => s.logitScale),
            line: { color: r.color, width: 1.5 },
          }),
        ),
    [runs],
  );
  return <Plot id="logit-scale" title="Logit scale s" help={METRIC_HELP.logitScale} data={data} layout={{ xaxis: { title: { text: 'step' } } }} />;
}
