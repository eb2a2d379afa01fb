// Caption lengths (tokens) of the training split as a small bar chart.
import { useMemo } from 'react';
import { METRIC_HELP } from '../help';
import { Plot, type PlotData } from './Plot';

export function CaptionHistogram({ hist }: { hist: number[] }) {
  const data = useMemo((): PlotData[] => [{ type: 'bar', x: hist.map((_, i) => i), y: hist, marker: { color: '#3a5bd9' }, name: 'captions' }], [hist]);
  return (
    <Plot
      id="caption-lengths"
      title="Caption length (tokens)"
      help={METRIC_HELP.captionLengths}
      data={data}
      height={150}
      layout={{ margin: { l: 40, r: 8, t: 4, b: 28 }, bargap: 0.1 }}
    />
  );
}
