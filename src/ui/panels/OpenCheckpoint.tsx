// "Open checkpoint…": resume a downloaded run, or analyse a model trained elsewhere (python/sharelab_torch
// writes the same .safetensors format). The file is validated before anything is queued.
import { useRef, useState } from 'react';
import { openCheckpoint } from '../../store/client';
import { useStore } from '../../store/store';

export function OpenCheckpoint() {
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const ready = useStore((s) => s.gpu.kind === 'ready' && s.dataset !== null);
  return (
    <div className="row open-checkpoint">
      <button type="button" disabled={!ready || busy} onClick={() => input.current?.click()} data-testid="open-checkpoint" title="Resume a downloaded checkpoint, or evaluate and analyse a model trained elsewhere (same .safetensors format)">
        Open checkpoint…
      </button>
      <input
        ref={input}
        type="file"
        accept=".safetensors"
        hidden
        data-testid="open-checkpoint-input"
        onChange={async (ev) => {
          const f = ev.target.files?.[0];
          ev.target.value = '';
          if (!f) return;
          setBusy(true);
          await openCheckpoint(f);
          setBusy(false);
        }}
      />
    </div>
  );
}
