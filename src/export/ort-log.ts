// ORT's native log reaches the page through console.* functions that its wasm module binds when it is
// instantiated, so a temporary console patch around one call misses later sessions. Instead one
// permanent, transparent hook is installed before ORT loads: it forwards everything as before, except
// that while a capture is open, ORT's lines ("[V:onnxruntime:…]") go to the capture (and not to the
// page console), and that ORT's verbose / info lines never reach the console (a session created with
// verbose logging for the capture keeps logging at info level while it runs). Warnings and errors
// pass through. Used to read the "Node placements" log at verbose level during session creation.
const ORT_LOG = /\[[VIWEF]:onnxruntime/;
const ORT_CHATTER = /\[[VI]:onnxruntime/;
const METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;

let sink: ((line: string) => void) | null = null;
let installed = false;

export function installOrtLogHook(): void {
  if (installed || typeof console === 'undefined') return;
  installed = true;
  for (const k of METHODS) {
    const orig = console[k];
    console[k] = (...args: unknown[]) => {
      const text = typeof args[0] === 'string' ? args.map(String).join(' ') : '';
      if (sink && ORT_LOG.test(text)) sink(text);
      else if (!ORT_CHATTER.test(text)) orig.apply(console, args);
    };
  }
}

/** Run `fn`, collecting ORT's log lines meanwhile. Calls must not overlap (sessions are created one at a time). */
export async function withOrtLog<T>(fn: () => Promise<T>): Promise<{ value: T; lines: string[] }> {
  installOrtLogHook();
  const lines: string[] = [];
  const prev = sink;
  sink = (l) => lines.push(l);
  try {
    return { value: await fn(), lines };
  } finally {
    sink = prev;
  }
}
