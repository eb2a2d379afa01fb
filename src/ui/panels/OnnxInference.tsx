// Inference-only mode: load an exported encoder pair (the export's .zip, or both .onnx files + the
// sidecar), embed the current dataset's validation images and captions with onnxruntime-web, and
// explore retrieval both ways — no training, no WGSL, only the files.
import { useEffect, useRef, useState } from 'react';
import {
  type EmbeddedSet,
  type InferenceModel,
  captionsForImage,
  embedDataset,
  imagesForText,
  openInferenceModel,
  releaseModel,
} from '../../export/inference';
import { type NamedBytes, loadExport } from '../../export/load';
import { loadOrt } from '../../export/ort-web';
import type { Ep } from '../../export/session';
import { useStore } from '../../store/store';
import { Thumb } from '../Thumb';
import '../onnx.css';

type Phase = 'idle' | 'loading' | 'embedding' | 'ready' | 'error';
type Answer =
  | { kind: 'images'; query: string; hits: { index: number; score: number }[] }
  | { kind: 'captions'; query: number; hits: { index: number; image: number; caption: string; score: number }[] };

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));
const pct = (x: number | undefined) => (x === undefined ? '—' : `${(100 * x).toFixed(1)}%`);

export function OnnxInference() {
  const info = useStore((s) => s.dataset);
  const [ep, setEp] = useState<Ep>('wasm');
  const [phase, setPhase] = useState<Phase>('idle');
  const [error, setError] = useState('');
  const [model, setModel] = useState<InferenceModel | null>(null);
  const [set, setSet] = useState<EmbeddedSet | null>(null);
  const [text, setText] = useState('a small red circle');
  const [answer, setAnswer] = useState<Answer | null>(null);
  const modelRef = useRef<InferenceModel | null>(null);
  useEffect(
    () => () => {
      if (modelRef.current) void releaseModel(modelRef.current);
    },
    [],
  );

  async function embed(m: InferenceModel) {
    if (!info) throw new Error('no dataset loaded yet');
    setPhase('embedding');
    const ort = await loadOrt();
    const s = await embedDataset(ort, m, { rgba: info.valImages.rgba, S: info.size, captions: info.valImages.captions });
    setSet(s);
    setPhase('ready');
  }

  const fail = (e: unknown) => {
    setPhase('error');
    setError(msg(e));
  };

  async function onFiles(list: FileList | null) {
    if (!list || list.length === 0) return;
    setPhase('loading');
    setError('');
    let m: InferenceModel;
    try {
      const files: NamedBytes[] = await Promise.all([...list].map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
      const pair = await loadExport(files);
      m = await openInferenceModel(await loadOrt(), pair, ep);
    } catch (e) {
      // The files were refused: whatever was loaded before stays in use.
      setPhase(set ? 'ready' : 'error');
      setError(`${msg(e)}${modelRef.current ? ' — the previously loaded model is still in use.' : ''}`);
      return;
    }
    if (modelRef.current) await releaseModel(modelRef.current);
    modelRef.current = m;
    setModel(m);
    setSet(null);
    setAnswer(null);
    await embed(m).catch(fail);
  }

  async function ask(f: () => Promise<Answer>) {
    try {
      setAnswer(await f());
    } catch (e) {
      setError(msg(e));
    }
  }

  const side = model?.sidecar;
  const gallery = Math.min(24, set?.Ni ?? 0);
  return (
    <section className="panel" aria-labelledby="onnx-inference-h" data-testid="onnx-inference">
      <h2 id="onnx-inference-h">Inference only (ONNX)</h2>
      <p className="muted note">
        Load an exported pair — the export's .zip, or the two .onnx files with their .onnx.json sidecar — to embed the current validation
        set with onnxruntime-web alone and explore retrieval.
      </p>
      <div className="onnx-load">
        <div className="field" style={{ flex: '0 0 auto' }}>
          <label htmlFor="onnx-ep">execution provider</label>
          <select id="onnx-ep" value={ep} onChange={(e) => setEp(e.target.value as Ep)} disabled={phase === 'loading' || phase === 'embedding'}>
            <option value="wasm">wasm (CPU)</option>
            <option value="webgpu">WebGPU</option>
          </select>
        </div>
        <div className="field" style={{ flex: '1 1 260px' }}>
          <label htmlFor="onnx-files">exported files</label>
          <input
            id="onnx-files"
            data-testid="onnx-files"
            type="file"
            multiple
            accept=".zip,.onnx,.json"
            disabled={phase === 'loading' || phase === 'embedding'}
            onChange={(e) => {
              void onFiles(e.target.files);
              e.target.value = '';
            }}
          />
        </div>
        {model && info ? (
          <button type="button" className="small" disabled={phase === 'embedding'} onClick={() => void embed(model).catch(fail)}>
            Re-embed current dataset
          </button>
        ) : null}
      </div>
      {phase === 'loading' ? <p className="muted">Checking the files and starting onnxruntime-web…</p> : null}
      {phase === 'embedding' ? <p className="muted">Embedding {info?.valImages.captions.length ?? 0} validation images and their captions…</p> : null}
      {error ? (
        <p className="err" role="alert" data-testid="onnx-error">
          {error}
        </p>
      ) : null}
      {side && model && phase !== 'loading' ? (
        <p className="onnx-summary" data-testid="onnx-model">
          <strong>{side.run?.label ?? 'exported model'}</strong>
          {side.run ? ` · step ${side.run.step}` : ''} · {side.config.name} / {side.config.sharing.preset} · {side.image.imageSize}px, context {side.text.contextLength}, embedding{' '}
          {side.embedDim} · EP {model.image.ran ?? model.ep}
          {side.parity ? ` · exported with parity ${side.parity.pass ? '✓' : '✗'}` : ''}
        </p>
      ) : null}
      {set && model && phase !== 'embedding' ? (
        <div className="retrieval-grid" data-testid="onnx-retrieval">
          <div>
            <table className="results compact" data-testid="onnx-recall">
              <caption>
                Recall on {set.Ni} images / {set.Nt} captions ({(set.ms / 1000).toFixed(1)} s)
              </caption>
              <thead>
                <tr>
                  <th />
                  <th>R@1</th>
                  <th>R@5</th>
                  <th>R@10</th>
                </tr>
              </thead>
              <tbody>
                <tr>
                  <td>image → text</td>
                  <td>{pct(set.recall.i2t[1])}</td>
                  <td>{pct(set.recall.i2t[5])}</td>
                  <td>{pct(set.recall.i2t[10])}</td>
                </tr>
                <tr>
                  <td>text → image</td>
                  <td>{pct(set.recall.t2i[1])}</td>
                  <td>{pct(set.recall.t2i[5])}</td>
                  <td>{pct(set.recall.t2i[10])}</td>
                </tr>
              </tbody>
            </table>
            <form
              className="search"
              onSubmit={(e) => {
                e.preventDefault();
                const q = text.trim();
                if (q) void ask(async () => ({ kind: 'images', query: q, hits: await imagesForText(await loadOrt(), model, set, q, 5) }));
              }}
            >
              <label htmlFor="onnx-query">caption</label>
              <input id="onnx-query" data-testid="onnx-query" style={{ flex: 1 }} value={text} onChange={(e) => setText(e.target.value)} />
              <button type="submit">Find images</button>
            </form>
            <p className="muted">Or click an image to find its captions:</p>
            <div className="gallery">
              {Array.from({ length: gallery }, (_, i) => i).map((i) => (
                <button
                  type="button"
                  key={i}
                  className="thumb-button"
                  aria-label={`ONNX: find captions for image ${i}`}
                  onClick={() => void ask(async () => ({ kind: 'captions', query: i, hits: captionsForImage(set, i, 5) }))}
                >
                  <Thumb index={i} size={40} />
                </button>
              ))}
            </div>
          </div>
          <div data-testid="onnx-answer">
            {!answer ? <p className="muted">Type a caption or click an image.</p> : null}
            {answer?.kind === 'images' ? (
              <>
                <p className="muted">Top {answer.hits.length} images for “{answer.query}”</p>
                <ol className="retrieved-images">
                  {answer.hits.map((h) => (
                    <li key={h.index}>
                      <Thumb index={h.index} size={64} />
                      <span>
                        #{h.index} · {h.score.toFixed(3)}
                      </span>
                      <span className="muted">{info?.valImages.captions[h.index]?.[0]}</span>
                    </li>
                  ))}
                </ol>
              </>
            ) : null}
            {answer?.kind === 'captions' ? (
              <>
                <p className="muted">Top {answer.hits.length} captions for image #{answer.query}</p>
                <ol className="retrieved-captions">
                  {answer.hits.map((h) => (
                    <li key={h.index}>
                      {h.caption}{' '}
                      <span className="muted">
                        (image #{h.image}
                        {h.image === answer.query ? ', its own' : ''}, score {h.score.toFixed(3)})
                      </span>
                    </li>
                  ))}
                </ol>
              </>
            ) : null}
          </div>
        </div>
      ) : null}
    </section>
  );
}
