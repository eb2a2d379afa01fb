// Drop zone, file and folder pickers, and the progress of the current load (phase, bar, rate, ETA).
import { useSlice } from '../../store/store';
import { type DragEvent, useRef, useState } from 'react';
import { formatDuration } from '../../data/ingest/preprocess';
import { cancelUpload, loadUpload } from '../../store/uploads';
import { fromDataTransfer, fromFileList, uploadName } from './files';
import './upload.css';

const ACCEPT = '.zip,.tar,.tgz,.gz,.csv,.tsv,.txt,.json,.jsonl,image/png,image/jpeg,image/webp,image/gif,image/bmp';

const PHASES = { reading: 'reading files', parsing: 'pairing captions with images', decoding: 'decoding images', stats: 'training the tokenizer for statistics' } as const;

export const mb = (b: number) => (b >= 1e9 ? `${(b / 1e9).toFixed(2)} GB` : b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(b / 1e3))} kB`);

function ProgressLine() {
  const status = useSlice('uploads', (s) => s.status);
  const heap = useSlice('uploads', (s) => s.heap);
  if (status.kind === 'error')
    return (
      <p className="err" role="alert" data-testid="upload-error">
        Loading {status.name} failed: {status.message}
      </p>
    );
  if (status.kind !== 'loading') return null;
  const p = status.progress;
  const order = Object.keys(PHASES);
  const step = p ? order.indexOf(p.phase) + 1 : 0;
  const rate = p && p.elapsedMs > 0 && p.phase !== 'parsing' && p.phase !== 'stats' ? (p.done * 1000) / p.elapsedMs : null;
  const unit = p?.phase === 'reading' ? 'files' : 'images';
  return (
    <div className="upload-progress" data-testid="upload-progress" aria-live="polite">
      <div className="upload-progress-head">
        <span>
          {status.name}: {p ? `${step}/4 ${PHASES[p.phase]}` : 'starting…'} ({status.files.toLocaleString('en-US')} files, {mb(status.bytes)})
        </span>
        <button type="button" className="small" onClick={cancelUpload}>
          Cancel
        </button>
      </div>
      <progress max={p?.total || 1} value={p?.done ?? 0} aria-label="upload progress" />
      <span className="muted small-text" data-testid="upload-eta">
        {p ? `${p.done.toLocaleString('en-US')} / ${p.total.toLocaleString('en-US')}` : ''}
        {rate ? ` · ${Math.round(rate).toLocaleString('en-US')} ${unit}/s` : ''}
        {p && p.etaS !== null && p.done < p.total ? ` · ${formatDuration(p.etaS)} left` : ''}
        {heap ? ` · worker heap ${mb(heap.used)}` : ''}
      </span>
    </div>
  );
}

export function UploadZone() {
  const [over, setOver] = useState(false);
  const files = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);
  const loading = useSlice('uploads', (s) => s.status.kind === 'loading');
  const onDrop = async (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const picked = await fromDataTransfer(e.dataTransfer);
    if (picked.length) loadUpload(picked, uploadName(picked));
  };
  const onPick = (input: HTMLInputElement | null) => {
    if (!input?.files?.length) return;
    const picked = fromFileList(input.files);
    input.value = ''; // the same selection again must fire change
    loadUpload(picked, uploadName(picked));
  };
  return (
    <div className="upload">
      <section
        className={`dropzone${over ? ' over' : ''}`}
        data-testid="dropzone"
        aria-label="Drop a folder, archive or files here"
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p>
          Drop a folder, a .zip/.tar/.tar.gz, or images with captions here — or{' '}
          <button type="button" className="small" disabled={loading} onClick={() => files.current?.click()}>
            choose files
          </button>{' '}
          <button type="button" className="small" disabled={loading} onClick={() => folder.current?.click()}>
            choose a folder
          </button>
        </p>
        <p className="muted small-text">
          ImageFolder (metadata.jsonl/csv), CSV/TSV, sidecar .txt/.json, COCO captions, WebDataset .tar; PNG, JPEG, WebP, GIF, BMP. Decoded at the dataset image
          size in a worker and kept in this browser (IndexedDB).
        </p>
        <input ref={files} className="sr-only" type="file" multiple accept={ACCEPT} data-testid="upload-files" onChange={(e) => onPick(e.currentTarget)} tabIndex={-1} />
        <input
          ref={folder}
          className="sr-only"
          type="file"
          data-testid="upload-folder"
          {...({ webkitdirectory: '', directory: '' } as Record<string, string>)}
          onChange={(e) => onPick(e.currentTarget)}
          tabIndex={-1}
        />
      </section>
      <ProgressLine />
    </div>
  );
}
