// Placeholder shell until the playground panels land: checks WebGPU and links the kernel check.
import { useEffect, useState } from 'react';
import { WebGpuUnavailable, acquireDevice } from '../gpu/device';
import { Unsupported } from './Unsupported';

export function App() {
  const [state, setState] = useState<{ ok?: string; err?: WebGpuUnavailable }>({});
  useEffect(() => {
    acquireDevice()
      .then(({ device, caps }) => {
        setState({ ok: caps.adapterDescription || 'WebGPU adapter' });
        device.destroy();
      })
      .catch((e) => setState({ err: e instanceof WebGpuUnavailable ? e : new WebGpuUnavailable('device-failed', String(e)) }));
  }, []);
  if (state.err) return <Unsupported error={state.err} />;
  return (
    <main>
      <h1>ShareLab</h1>
      <p>{state.ok ? `GPU ready: ${state.ok}` : 'Looking for a GPU…'}</p>
      <p>
        <a href="/kernels.html">Kernel check</a>
      </p>
    </main>
  );
}
