// Overlaid comparison charts (one colour per run) and per-run similarity heatmaps / embedding maps (of the
// own validation split, or of an evaluation set: the run's 'eval-set' snapshot in place of its own).
import { pickSet } from '../../store/picks';
import type { RunInfo } from '../../store/runsSlice';
import { useStore } from '../../store/store';
import { useState } from 'react';
import { EmbeddingMap, type Projection, pcaExtent } from '../charts/EmbeddingMap';
import { LogitScaleChart } from '../charts/LogitScaleChart';
import { LossChart } from '../charts/LossChart';
import { MetricChart } from '../charts/MetricChart';
import { RecallChart } from '../charts/RecallChart';
import { SimilarityHeatmap } from '../charts/SimilarityHeatmap';
import { SetSelect } from './SetSelect';
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
  const loaded = useStore((s) => s.dataset?.evalSets);
  const offered = (loaded ?? []).filter((e) => !e.error && Object.values(runs).some((r) => r.evalSnapshots?.[e.name])).map((e) => e.name);
  const chosen = useStore((s) => s.picks.mapSet);
  const setPick = useStore((s) => s.setPick);
  const set = pickSet(offered, chosen);
  // On a set, each run's view carries that set's snapshot (its own id, so its UMAP layout is cached apart).
  const view = (r: RunInfo): RunInfo => (set ? { ...r, id: `${r.id}~${set}`, label: `${r.label} · ${set}`, snapshot: r.evalSnapshots?.[set] } : r);
  const list = Object.values(runs).map(view).filter((r) => r.snapshot);
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
        {offered.length ? (
          <SetSelect testId="map-set" label="Embeddings of" offered={offered} value={set} onChange={(v) => setPick('mapSet', v)} />
        ) : null}
      </h2>
      {list.length ? (
        list.map((r) => (
          <div className="chart-pair" key={r.id}>
            <SimilarityHeatmap run={r} />
            <EmbeddingMap run={r} method={method} range={range} set={set} />
          </div>
        ))
      ) : (
        <p className="muted empty">No evaluated runs yet — each run gets a heatmap and an embedding map after its first evaluation.</p>
      )}
    </section>
  );
}
