// Title, GPU adapter status, experiment export/import.
import { useRef } from 'react';
import { experimentJson, importExperiment } from '../store/client';
import { useStore } from '../store/store';
import { downloadText } from '../util/download';

function GpuBadge() {
  const gpu = useStore((s) => s.gpu);
  if (gpu.kind === 'ready')
    return (
      <span className="badge ok" data-testid="gpu-status" title={gpu.features.length ? `features: ${gpu.features.join(', ')}` : 'no optional features'}>
        GPU: {gpu.adapter}
      </span>
    );
  if (gpu.kind === 'failed')
    return (
      <span className="badge bad" data-testid="gpu-status">
        GPU failed: {gpu.message}
      </span>
    );
  return (
    <span className="badge" data-testid="gpu-status">
      Looking for a GPU…
    </span>
  );
}

export function Header() {
  const file = useRef<HTMLInputElement>(null);
  return (
    <header className="app-header">
      <div>
        <h1>ShareLab</h1>
        <span className="muted">How much of a transformer can vision and language share? Train small CLIP models in your browser.</span>
      </div>
      <div className="header-actions">
        <GpuBadge />
        <button type="button" onClick={() => downloadText('sharelab-experiment.json', experimentJson())}>
          Export experiment
        </button>
        <button type="button" onClick={() => file.current?.click()}>
          Import experiment
        </button>
        <input
          ref={file}
          type="file"
          accept="application/json,.json"
          hidden
          data-testid="import-file"
          onChange={async (e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) importExperiment(await f.text(), `file ${f.name}`);
          }}
        />
        <a href="/kernels.html" className="small-link">
          Kernel check
        </a>
      </div>
    </header>
  );
}
