// onnxruntime-web in the page, offline: the WebGPU build (it also carries the wasm CPU EP) is loaded
// on first use, and its .wasm binary comes from node_modules through Vite (`?url`: the dev server
// serves it, the build copies it into dist/assets) — never from a CDN. The JS glue is inside the
// bundle build, so the .wasm is the only file ORT fetches. No threads: the page is not
// cross-origin isolated, so there is no SharedArrayBuffer (and no extra worker).
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { installOrtLogHook } from './ort-log';
import type { Ort } from './session';

let loading: Promise<Ort> | null = null;

export function loadOrt(): Promise<Ort> {
  installOrtLogHook(); // before ORT's wasm module binds console.*
  loading ??= import('onnxruntime-web/webgpu').then((ort) => {
    ort.env.wasm.wasmPaths = { wasm: new URL(wasmUrl, location.href).href };
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    ort.env.logLevel = 'error';
    return ort as unknown as Ort;
  });
  return loading;
}
