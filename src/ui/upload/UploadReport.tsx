// The report of the last upload: what loaded, every skip with its reason, file and line, statistics
// of the captions, and a preview grid of decoded images with their captions.
import { useSlice } from '../../store/store';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { LoadResult } from '../../data/ingest/pipeline';
import { formatDuration } from '../../data/ingest/preprocess';
import { describeSources } from '../../data/ingest/sources';
import { SKIP_REASONS, type Skip, type SkipReason } from '../../data/ingest/types';
import { Plot, type PlotData } from '../charts/Plot';
import { downloadText } from '../../util/download';

export const REASON_TEXT: Record<SkipReason, string> = {
  'undecodable-image': 'undecodable image',
  'truncated-image': 'truncated image',
  'unsupported-type': 'unsupported type',
  'caption-without-image': 'caption without image',
  'image-without-caption': 'image without caption',
  'empty-caption': 'empty caption',
  'invalid-utf8': 'invalid UTF-8',
  duplicate: 'duplicate',
  oversized: 'oversized file',
  'malformed-metadata': 'malformed metadata',
  'corrupt-archive': 'corrupt archive',
};

const PAGE = 100;

export function RgbaThumb({ rgba, index, size, px = 64, label }: { rgba: Uint8ClampedArray; index: number; size: number; px?: number; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    const n = size * size * 4;
    const data = rgba.subarray(index * n, (index + 1) * n);
    if (!c || data.length !== n) return;
    c.width = size;
    c.height = size;
    c.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(data), size, size), 0, 0);
  }, [rgba, index, size]);
  return <canvas ref={ref} className="thumb" style={{ width: px, height: px }} role="img" aria-label={label} />;
}

function csvCell(v: string | number | undefined) {
  const s = v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function skipsCsv(skips: readonly Skip[]): string {
  const rows = [['reason', 'file', 'line', 'where', 'detail'], ...skips.map((s) => [s.reason, s.file, s.line, s.where, s.detail])];
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
}

function SkipTable({ skipped }: { skipped: Skip[] }) {
  const [only, setOnly] = useState<SkipReason | null>(null);
  const [all, setAll] = useState(false);
  const counts = useMemo(() => {
    const c = new Map<SkipReason, number>();
    for (const s of skipped) c.set(s.reason, (c.get(s.reason) ?? 0) + 1);
    return SKIP_REASONS.filter((r) => c.has(r)).map((r) => [r, c.get(r)!] as const);
  }, [skipped]);
  // Sorted by file and line; `k` (position in the report) keys the rows.
  const rows = useMemo(() => {
    const list = skipped.map((s, k) => ({ ...s, k })).filter((s) => !only || s.reason === only);
    return list.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)));
  }, [skipped, only]);
  if (!skipped.length) return <p className="ok-text">Nothing skipped.</p>;
  const shown = all ? rows : rows.slice(0, PAGE);
  return (
    <>
      <fieldset className="reason-chips" aria-label="Filter skips by reason">
        {counts.map(([r, n]) => (
          <button
            type="button"
            key={r}
            className={`chip${only === r ? ' on' : ''}`}
            aria-pressed={only === r}
            data-testid={`reason-${r}`}
            onClick={() => setOnly(only === r ? null : r)}
          >
            {REASON_TEXT[r]} <b>{n}</b>
          </button>
        ))}
      </fieldset>
      <div className="table-scroll skip-scroll">
        <table className="results compact" data-testid="skip-table">
          <thead>
            <tr>
              <th scope="col">reason</th>
              <th scope="col">file</th>
              <th scope="col">line</th>
              <th scope="col">detail</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((s) => (
              <tr key={s.k} data-reason={s.reason}>
                <td>{REASON_TEXT[s.reason]}</td>
                <td className="path">{s.file}</td>
                <td>{s.line ?? s.where ?? ''}</td>
                <td className="detail">{s.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > PAGE ? (
        <button type="button" className="small" onClick={() => setAll(!all)}>
          {all ? `Show the first ${PAGE}` : `Show all ${rows.length.toLocaleString('en-US')}`}
        </button>
      ) : null}
    </>
  );
}

/** Bar-chart layout with integer ticks (counts and lengths are whole numbers). */
const layoutFor = (h: number[], xs: number) => ({
  margin: { l: 44, r: 8, t: 4, b: 28 },
  bargap: 0.1,
  barmode: 'overlay' as const,
  xaxis: { dtick: Math.max(1, Math.ceil(xs / 10)), tickformat: 'd' },
  yaxis: { dtick: Math.max(1, Math.ceil(Math.max(1, ...h) / 4)), tickformat: ',d', rangemode: 'tozero' as const },
});

function Stats({ r }: { r: LoadResult }) {
  const s = r.stats;
  const perImage = useMemo((): PlotData[] => {
    const h = s.captionsPerImage.histogram;
    const ks = h.map((_, k) => k).filter((k) => k >= s.captionsPerImage.min);
    return [{ type: 'bar', x: ks, y: ks.map((k) => h[k]), marker: { color: '#3a5bd9' } }];
  }, [s]);
  const tokens = useMemo((): PlotData[] => {
    const h = s.tokens.histogram;
    const T = s.tokens.contextLength;
    const x = h.map((_, i) => i);
    return [
      { type: 'bar', x: x.filter((i) => i <= T), y: h.filter((_, i) => i <= T), marker: { color: '#3a5bd9' }, name: 'fit' },
      { type: 'bar', x: x.filter((i) => i > T), y: h.filter((_, i) => i > T), marker: { color: '#c62828' }, name: 'truncated' },
    ];
  }, [s]);
  const perImageLayout = useMemo(() => layoutFor(s.captionsPerImage.histogram, s.captionsPerImage.max - s.captionsPerImage.min + 1), [s]);
  const tokenLayout = useMemo(() => layoutFor(s.tokens.histogram, s.tokens.histogram.length), [s]);
  return (
    <div className="upload-stats">
      <dl className="stats" data-testid="upload-stats">
        <dt>pairs</dt>
        <dd>{s.pairs.toLocaleString('en-US')}</dd>
        <dt>images</dt>
        <dd>{s.images.toLocaleString('en-US')}</dd>
        <dt>captions</dt>
        <dd>{s.captions.toLocaleString('en-US')}</dd>
        <dt>captions/image</dt>
        <dd>
          {s.captionsPerImage.mean.toFixed(2)} (min {s.captionsPerImage.min}, max {s.captionsPerImage.max})
        </dd>
        <dt>tokens/caption</dt>
        <dd>
          {s.tokens.mean.toFixed(1)} (max {s.tokens.max})
        </dd>
        <dt>truncated</dt>
        <dd data-testid="upload-truncated">
          {s.tokens.truncated.toLocaleString('en-US')} at {s.tokens.contextLength} tokens
        </dd>
        <dt>zero-shot</dt>
        <dd data-testid="upload-classes">{r.classes ? `${r.classes.length} classes from folders (${r.classes.slice(0, 6).join(', ')}${r.classes.length > 6 ? ', …' : ''})` : 'no labels — hidden'}</dd>
      </dl>
      <div className="chart-pair">
        <Plot id="upload-captions-per-image" title="Captions per image" help="How many images have each number of captions (all are kept; one is sampled per image each epoch)." data={perImage} height={150} layout={perImageLayout} />
        <Plot
          id="upload-caption-tokens"
          title="Caption length (tokens)"
          help={`Caption lengths in tokens (sot and eot included) of a byte-level BPE with ${s.tokens.vocabSize} tokens trained on these captions; red bars are longer than the context of ${s.tokens.contextLength} tokens and get truncated (eot kept).`}
          data={tokens}
          height={150}
          layout={tokenLayout}
        />
      </div>
    </div>
  );
}

function Preview({ r }: { r: LoadResult }) {
  const p = r.preview;
  if (!p.captions.length) return null;
  return (
    <div className="preview-grid wide" data-testid="upload-preview">
      {p.captions.map((caps, i) => (
        <figure key={p.paths[i]} className="preview" title={`${p.paths[i]}\n${caps.join('\n')}`}>
          <RgbaThumb rgba={p.rgba} index={i} size={p.size} label={caps[0]} />
          <figcaption>
            {caps[0]}
            {caps.length > 1 ? <span className="muted"> (+{caps.length - 1})</span> : null}
          </figcaption>
        </figure>
      ))}
    </div>
  );
}

/** Which metadata file was used per folder, and one line per file repeating another's captions (not skips). */
function SourceLines({ lines }: { lines: string[] }) {
  if (!lines.length) return null;
  return (
    <ul className="upload-sources" data-testid="upload-sources">
      {lines.map((l) => (
        <li key={l}>{l}</li>
      ))}
    </ul>
  );
}

export function UploadReportPanel() {
  const r = useSlice('uploads', (s) => s.last);
  const heap = useSlice('uploads', (s) => s.heap);
  if (!r) return null;
  const rep = r.report;
  const t = r.timings;
  const rate = t.decodeMs > 0 && !r.cached ? (rep.loaded * 1000) / t.totalMs : null;
  return (
    <section className="panel" aria-labelledby="upload-report-h" data-testid="upload-report" data-loaded={rep.loaded} data-skipped={rep.skipped.length}>
      <h2 id="upload-report-h">
        Upload report · {r.name}{' '}
        <button type="button" className="small" onClick={() => downloadText(`sharelab-upload-${r.id.slice(0, 12)}-skips.csv`, skipsCsv(rep.skipped), 'text/csv')}>
          Skips CSV
        </button>
      </h2>
      <p className="upload-summary" data-testid="upload-summary">
        <b>{rep.loaded.toLocaleString('en-US')}</b> pairs loaded ({rep.captions.toLocaleString('en-US')} captions), <b>{rep.skipped.length.toLocaleString('en-US')}</b> skipped
        {rep.ignored.length ? `, ${rep.ignored.length} ignored (OS files)` : ''} · format {rep.format} · {r.size}×{r.size} ·{' '}
        {r.cached ? 'from the browser cache (nothing decoded)' : `decoded in ${formatDuration(t.totalMs / 1000)}${rate ? ` (${Math.round(rate).toLocaleString('en-US')} pairs/s)` : ''}`}
        {heap ? ` · worker heap peak ${(heap.peak / 1e6).toFixed(0)} MB` : ''} · id <code title={r.id}>{r.id.slice(0, 12)}</code>
      </p>
      <SourceLines lines={describeSources(rep)} />
      {rep.loaded < 2 ? (
        <p className="err" role="alert">
          Too few pairs to train on: fix the skipped items and drop the files again.
        </p>
      ) : null}
      <div className="upload-report-grid">
        <div>
          <h3>Skipped</h3>
          <SkipTable skipped={rep.skipped} />
        </div>
        <div>
          <h3>Statistics</h3>
          <Stats r={r} />
        </div>
      </div>
      <h3>Preview</h3>
      <Preview r={r} />
    </section>
  );
}
