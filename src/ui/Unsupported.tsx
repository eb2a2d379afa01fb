// Full-page explanation when WebGPU (or a GPU adapter) is missing: never a blank page.
import { type WebGpuUnavailable, UNAVAILABLE_HELP } from '../gpu/device';

export function Unsupported({ error }: { error: WebGpuUnavailable }) {
  return (
    <main className="unsupported" data-testid="unsupported">
      <h1>ShareLab needs WebGPU</h1>
      <p className="reason">{UNAVAILABLE_HELP[error.reason]}</p>
      <h2>What works</h2>
      <ul>
        <li>Chrome or Edge 113+ on Windows, macOS and ChromeOS; Chrome 121+ on Android.</li>
        <li>
          Chrome/Chromium on Linux: start with <code>--enable-unsafe-webgpu --enable-features=Vulkan</code>.
        </li>
        <li>Safari 26+ (macOS, iOS), Firefox 141+ on Windows.</li>
        <li>
          A secure origin: <code>https://</code> or <code>http://localhost</code> (what <code>npm run dev</code> serves).
        </li>
      </ul>
      <p className="muted">Details: {error.message}</p>
    </main>
  );
}
