// Attention section: per-run maps (image CLS→patch overlay, rollout, caption token×token) for a chosen
// layer / head / item, then the attention-transfer score (layer × head, one map per run, same 0..1 scale)
// and cross-modal CKA per layer. Data comes from the worker's probe at the end of each run. Every label is
// the true layer index (../attention-layers.ts: under the released conv stem vision layer 0 has no attention).
import { useMemo, useState } from 'react';
import { pickRun } from '../../store/picks';
import type { RunInfo } from '../../store/runsSlice';
import { useStore } from '../../store/store';
import { AttentionOverlay } from '../charts/AttentionOverlay';
import { Plot, type PlotData } from '../charts/Plot';
import { selectRuns, useThrottled } from '../charts/useThrottled';
import { METRIC_HELP } from '../help';
import { layerIndices, layerOptions, visionEntry, visionFirstLayer } from '../attention-layers';

function pick(n: number, max: number) {
  return Math.max(0, Math.min(n, max - 1));
}

function TextMap({ run, layer, head, item }: { run: RunInfo; layer: number; head: number; item: number }) {
  const it = run.attention?.items[item];
  const data = useMemo((): PlotData[] => {
    const m = it?.text[layer]?.[head];
    if (!it || !m) return [];
    const L = it.tokens.length;
    const z = Array.from({ length: L }, (_, i) => m.slice(i * L, (i + 1) * L));
    return [{ type: 'heatmap', z, colorscale: 'Viridis', zmin: 0, zmax: 1, customdata: it.tokens.map((q) => it.tokens.map((k) => `${q} → ${k}`)) as unknown as Plotly.Datum[][], hovertemplate: '%{customdata}: %{z:.3f}<extra></extra>', colorbar: { thickness: 10 } }];
  }, [it, layer, head]);
  const ticks = useMemo(() => ({ tickvals: it?.tokens.map((_, i) => i) ?? [], ticktext: it?.tokens.map((s) => s.replace(/ /g, '·')) ?? [] }), [it]);
  return (
    <Plot
      id={`attn-text-${run.id}`}
      title={`Caption attention · layer ${layer} · head ${head}`}
      help={METRIC_HELP.attnText}
      data={data}
      height={300}
      empty="No caption map"
      layout={{ yaxis: { autorange: 'reversed', title: { text: 'query' }, ...ticks, tickfont: { size: 9 } }, xaxis: { title: { text: 'key' }, ...ticks, tickangle: -60, tickfont: { size: 9 } }, margin: { l: 70, r: 8, t: 8, b: 80 } }}
    />
  );
}

function RunMaps({ run }: { run: RunInfo }) {
  const a = run.attention;
  const [layer, setLayer] = useState(0);
  const [head, setHead] = useState(0);
  const [item, setItem] = useState(0);
  if (!a) return null;
  const first = visionFirstLayer(run.request?.config.vision);
  const layerNames = layerOptions(a.vision.layers, a.text.layers, first).map((o) => o.text);
  const heads = Math.max(a.vision.heads, a.text.heads);
  const l = pick(layer, layerNames.length);
  const h = pick(head, heads);
  const it = a.items[pick(item, a.items.length)];
  const lv = visionEntry(l, first, a.vision.layers);
  const hv = pick(h, a.vision.heads);
  const sel = (id: string, label: string, value: number, n: number, set: (v: number) => void, names?: string[]) => (
    <div className="field">
      <label htmlFor={`${id}-${run.id}`}>{label}</label>
      <select id={`${id}-${run.id}`} value={value} onChange={(e) => set(Number(e.target.value))}>
        {Array.from({ length: n }, (_, i) => ({ v: i, text: names?.[i] ?? String(i) })).map((o) => (
          <option key={o.v} value={o.v}>
            {o.text}
          </option>
        ))}
      </select>
    </div>
  );
  return (
    <div className="attn-run" data-testid={`attention-${run.id}`}>
      <h3>{run.label}</h3>
      <div className="fields">
        {sel('attn-layer', 'Layer', l, layerNames.length, setLayer, layerNames)}
        {sel('attn-head', 'Head', h, heads, setHead)}
        {sel('attn-item', 'Item', pick(item, a.items.length), a.items.length, setItem, a.items.map((x) => `#${x.index}: ${x.caption}`))}
      </div>
      {it ? (
        <div className="attn-maps">
          {lv === null ? (
            <p className="muted" data-testid={`attn-stem-${run.id}`}>
              Vision layer {l} is MS-CLIP’s conv stem (Early Specialization as released): it has no attention. Its first transformer layer is {first}.
            </p>
          ) : (
            <>
              <AttentionOverlay id={`attn-cls-${run.id}`} title={`Image CLS→patch · layer ${lv + first} · head ${hv}`} help={METRIC_HELP.attnOverlay} index={it.index} values={it.cls[lv]?.[hv] ?? []} grid={a.vision.grid} />
              <AttentionOverlay id={`attn-rollout-${run.id}`} title={`Rollout to layer ${lv + first}`} help={METRIC_HELP.attnRollout} index={it.index} values={it.rollout[lv] ?? []} grid={a.vision.grid} />
            </>
          )}
          <TextMap run={run} layer={pick(l, a.text.layers)} head={pick(h, a.text.heads)} item={pick(item, a.items.length)} />
        </div>
      ) : null}
    </div>
  );
}

function TransferMap({ run }: { run: RunInfo }) {
  const t = run.attention?.transfer;
  const first = visionFirstLayer(run.request?.config.vision);
  const data = useMemo((): PlotData[] => {
    if (!t?.length) return [];
    // Row j pairs vision layer j + first with text layer j + first: the y axis says that layer.
    return [{ type: 'heatmap', z: t, y: layerIndices(t.length, first), colorscale: 'Viridis', zmin: 0, zmax: 1, hovertemplate: 'layer %{y} · head %{x}: %{z:.3f}<extra></extra>', colorbar: { thickness: 10 } }];
  }, [t, first]);
  return (
    <Plot
      id={`attn-transfer-${run.id}`}
      title={`Attention transfer · ${run.label}`}
      help={METRIC_HELP.attnTransfer}
      data={data}
      height={220}
      empty="No attention analysis yet"
      layout={{ yaxis: { autorange: 'reversed', title: { text: 'layer' }, dtick: 1 }, xaxis: { title: { text: 'head' }, dtick: 1 }, margin: { l: 48, r: 8, t: 8, b: 36 } }}
    />
  );
}

function CkaChart({ runs }: { runs: RunInfo[] }) {
  const data = useMemo(
    (): PlotData[] =>
      runs.map((r) => ({
        type: 'scatter',
        mode: 'lines+markers',
        name: r.label,
        // entry j is vision layer j + first vs text layer j + first (first = 1 under the released conv stem)
        x: layerIndices(r.attention?.ckaPerLayer.length ?? 0, visionFirstLayer(r.request?.config.vision)),
        y: r.attention?.ckaPerLayer ?? [],
        line: { color: r.color },
        hovertemplate: `${r.label}<br>layer %{x}: %{y:.3f}<extra></extra>`,
      })),
    [runs],
  );
  return (
    <Plot
      id="attn-cka"
      title="Cross-modal CKA per layer"
      help={METRIC_HELP.cka}
      data={data}
      height={220}
      layout={{ yaxis: { range: [0, 1.02], title: { text: 'linear CKA' } }, xaxis: { title: { text: 'layer' }, dtick: 1 } }}
    />
  );
}

export function AttentionPanel() {
  const runs = useThrottled(selectRuns);
  const order = useStore((s) => s.order);
  const chosen = useStore((s) => s.picks.attention);
  const setPick = useStore((s) => s.setPick);
  const { run, options: list } = pickRun(runs, order, 'attention', chosen);
  return (
    <section className="panel" aria-labelledby="attn-h" data-testid="attention">
      <h2 id="attn-h">Attention: maps, transfer score, cross-modal CKA</h2>
      {run ? (
        <>
          <div className="fields">
            <div className="field">
              <label htmlFor="attn-run">Run</label>
              <select id="attn-run" data-testid="attn-run" value={run.id} onChange={(e) => setPick('attention', e.target.value)}>
                {list.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.label}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <RunMaps key={run.id} run={run} />
          <h3>Attention transfer (layer × head) and CKA, all finished runs</h3>
          <div className="chart-grid">
            {list.map((r) => (
              <TransferMap key={r.id} run={r} />
            ))}
            <CkaChart runs={list} />
          </div>
        </>
      ) : (
        <p className="muted empty">No finished runs yet — when a run ends, a probe forward on 16 validation pairs gives its attention maps, attention-transfer score and CKA per layer.</p>
      )}
    </section>
  );
}
