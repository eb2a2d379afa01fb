// One plotly chart in a titled card: help popover, PNG export, an empty-state message.
import Plotly from 'plotly.js-dist-min';
import { type ReactNode, useEffect, useRef } from 'react';
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
  /** Point hovered (plotly_hover) / left (plotly_unhover), e.g. for a custom tooltip. */
  onHover?: (p: { curveNumber: number; pointNumber: number; x: number; y: number; clientX: number; clientY: number }) => void;
  onUnhover?: () => void;
  /** Extra content in the title bar (e.g. a method toggle), before the help and PNG buttons. */
  controls?: ReactNode;
}

const BASE: Partial<Plotly.Layout> = {
  margin: { l: 48, r: 12, t: 8, b: 36 },
  font: { size: 11, family: 'system-ui, sans-serif' },
  showlegend: false,
  paper_bgcolor: 'white',
  plot_bgcolor: 'white',
  hovermode: 'closest',
};

export function Plot({ id, title, help, data, layout, height = 240, empty = 'No data yet — pick presets and press Train', onHover, onUnhover, controls }: PlotProps) {
  const ref = useRef<HTMLDivElement>(null);
  const hover = useRef({ onHover, onUnhover });
  hover.current = { onHover, onUnhover };
  const listening = useRef(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    void Plotly.react(el, data, { ...BASE, height, ...layout }, { displayModeBar: false, responsive: true, displaylogo: false }).then((gd) => {
      if (listening.current || !hover.current.onHover) return;
      listening.current = true;
      gd.on('plotly_hover', (ev) => {
        const p = ev.points[0];
        const e = ev.event as MouseEvent | undefined;
        if (p) hover.current.onHover?.({ curveNumber: p.curveNumber, pointNumber: p.pointNumber, x: Number(p.x), y: Number(p.y), clientX: e?.clientX ?? 0, clientY: e?.clientY ?? 0 });
      });
      gd.on('plotly_unhover', () => hover.current.onUnhover?.());
    });
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
        {controls}
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
