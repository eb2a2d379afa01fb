// Train loss per step (solid) and validation loss per evaluation (dashed), one colour per run.
import { useMemo } from 'react';
import { METRIC_HELP } from '../help';
import { Plot, type PlotData } from './Plot';
import { selectRuns, useThrottled } from './useThrottled';

export function LossChart() {
  const runs = useThrottled(selectRuns);
  const data = useMemo(
    () =>
      Object.values(runs).flatMap((r): PlotData[] => {
        if (!r.steps.length) return [];
        const out: PlotData[] = [
          { type: 'scatter', mode: 'lines', name: `${r.label} train`, x: r.steps.map((s) => s.step), y: r.steps.map((s) => s.loss), line: { color: r.color, width: 1.5 } },
        ];
        if (r.evals.length)
          out.push({
            type: 'scatter',
            mode: 'lines+markers',
            name: `${r.label} val`,
            x: r.evals.map((e) => e.step),
            y: r.evals.map((e) => e.valLoss),
            line: { color: r.color, dash: 'dash', width: 1.5 },
            marker: { size: 5 },
          });
        return out;
      }),
    [runs],
  );
  return <Plot id="loss" title="Loss (train ─, val - -)" help={METRIC_HELP.loss} data={data} layout={{ xaxis: { title: { text: 'step' } } }} />;
}
