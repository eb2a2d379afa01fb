// One plotly chart in a titled card: help popover, PNG export, an empty-state message.
import Plotly from 'plotly.js-dist-min';
import { useEffect, useRef } from 'react';
import { Help } from '../Help';

export type PlotData = Plotly.Data;

export interface PlotProps {
  id: string;
  title: string;
  help: string;
  data: Plotly.Data[];
  layout?: Partial<Plotly.Layout>;
  height?: number;
  /** Shown over the chart while `data` is empty. */
  empty?: string;
}

const BASE: Partial<Plotly.Layout> = {
  margin: { l: 48, r: 12, t: 8, b: 36 },
  font: { size: 11, family: 'system-ui, sans-serif' },
  showlegend: false,
  paper_bgcolor: 'white',
  plot_bgcolor: 'white',
  hovermode: 'closest',
};

export function Plot({ id, title, help, data, layout, height = 240, empty = 'No data yet — pick presets and press Train' }: PlotProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    void Plotly.react(el, data, { ...BASE, height, ...layout }, { displayModeBar: false, responsive: true, displaylogo: false });
  }, [data, layout, height]);
  useEffect(() => {
    const el = ref.current;
    return () => {
      if (el) Plotly.purge(el);
    };
  }, []);
  const png = () => {
    if (ref.current) void Plotly.downloadImage(ref.current, { format: 'png', filename: `sharelab-${id}`, width: 900, height: 600 });
  };
  return (
    <figure className="chart" data-chart={id}>
      <figcaption>
        <span className="chart-title">{title}</span>
        <Help text={help} label={`About ${title}`} />
        <button type="button" className="small" onClick={png} disabled={!data.length} aria-label={`Download ${title} as PNG`}>
          PNG
        </button>
      </figcaption>
      <div className="plot-wrap" style={{ height }}>
        <div ref={ref} className="plot" />
        {data.length ? null : <p className="chart-empty muted">{empty}</p>}
      </div>
    </figure>
  );
}
