// Overlaid comparison charts (one colour per run) and per-run similarity heatmaps / embedding maps.
import { useStore } from '../../store/store';
import { useState } from 'react';
import { EmbeddingMap, type Projection, pcaExtent } from '../charts/EmbeddingMap';
import { LogitScaleChart } from '../charts/LogitScaleChart';
import { LossChart } from '../charts/LossChart';
import { MetricChart } from '../charts/MetricChart';
import { RecallChart } from '../charts/RecallChart';
import { SimilarityHeatmap } from '../charts/SimilarityHeatmap';
import { selectRuns, useThrottled } from '../charts/useThrottled';

function Legend() {
  const runs = useStore((s) => s.runs);
  const list = Object.values(runs).filter((r) => r.status !== 'planned');
  if (!list.length) return null;
  return (
    <ul className="legend" aria-label="Run colours">
      {list.map((r) => (
        <li key={r.id}>
          <span className="swatch" style={{ background: r.color }} aria-hidden="true" />
          {r.label}
        </li>
      ))}
    </ul>
  );
}

export function Comparison() {
  return (
    <section className="panel" aria-labelledby="compare-h" data-testid="comparison">
      <h2 id="compare-h">Comparison</h2>
      <Legend />
      <div className="chart-grid">
        <LossChart />
        <RecallChart direction="i2t" />
        <RecallChart direction="t2i" />
        <LogitScaleChart />
        <MetricChart metric="modalityGap" />
        <MetricChart metric="alignment" />
        <MetricChart metric="uniformity" />
      </div>
    </section>
  );
}

export function PerRunViews() {
  const runs = useThrottled(selectRuns);
  const list = Object.values(runs).filter((r) => r.snapshot);
  const [method, setMethod] = useState<Projection>('pca');
  // One PCA scale for every panel, so distances (the modality gap) compare across runs.
  const range = Math.max(0, ...list.map(pcaExtent)) || undefined;
  return (
    <section className="panel" aria-labelledby="perrun-h" data-testid="per-run">
      <h2 id="perrun-h">
        Per run: similarity matrix and embedding map
        <span className="segmented" role="radiogroup" aria-label="Embedding map projection">
          {(['pca', 'umap'] as const).map((m) => (
            <label key={m}>
              <input type="radio" name="projection" value={m} checked={method === m} onChange={() => setMethod(m)} />
              {m.toUpperCase()}
            </label>
          ))}
        </span>
      </h2>
      {list.length ? (
        list.map((r) => (
          <div className="chart-pair" key={r.id}>
            <SimilarityHeatmap run={r} />
            <EmbeddingMap run={r} method={method} range={range} />
          </div>
        ))
      ) : (
        <p className="muted empty">No evaluated runs yet — each run gets a heatmap and an embedding map after its first evaluation.</p>
      )}
    </section>
  );
}
