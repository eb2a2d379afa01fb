// Evaluation sets given as paths to the headless runner: a generated folder on disk is listed
// (scripts/eval-set-files.mjs), ingested through the upload pipeline into a cache, and named by its
// content id; bad paths and unusable folders are refused naming them.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listEvalSetPath } from '../../scripts/eval-set-files.mjs';
import { MemoryUploadStore } from '../data/ingest/cache';
import { png } from '../data/ingest/fixtures';
import { runPipeline } from '../data/ingest/pipeline';
import { loadUploadEvalSet } from '../data/ingest/uploadSet';
import { DEFAULT_DATASET, type DatasetSpec } from '../data/types';
import { type EvalPathHost, resolveEvalPaths } from './eval-paths';

const root = mkdtempSync(path.join(tmpdir(), 'evalpaths-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Stand-in for createImageBitmap (Node has none): a solid image per file content. */
const decode = async (b: Uint8Array | Blob, S: number) => {
  const v = b instanceof Uint8Array ? b[b.length - 20] : 0;
  return Uint8ClampedArray.from({ length: 4 * S * S }, (_, k) => (k % 4 === 3 ? 255 : (v + k) & 255));
};

function host(store: MemoryUploadStore, lines: string[]): EvalPathHost {
  return {
    list: async (p) => listEvalSetPath(p),
    read: async (abs) => new Uint8Array(readFileSync(abs)),
    ingest: (entries, opts) => runPipeline(entries, opts, { store, decode }),
    log: (l) => lines.push(l),
  };
}

describe('evaluation sets given as paths', () => {
  it('a folder of images with sidecar captions becomes a cached upload named by its content id', async () => {
    const dir = path.join(root, 'sketches');
    mkdirSync(path.join(dir, 'sub'), { recursive: true });
    for (let i = 0; i < 5; i++) {
      writeFileSync(path.join(dir, 'sub', `${i}.png`), png(i + 1, 4, 4));
      writeFileSync(path.join(dir, 'sub', `${i}.txt`), `a sketch of shape ${i}`);
    }
    expect(listEvalSetPath(dir).map((f) => f.path)).toContain('sketches/sub/3.png');
    const store = new MemoryUploadStore();
    const lines: string[] = [];
    const spec: DatasetSpec = { ...DEFAULT_DATASET, size: 8, evalSets: [{ name: 'same', kind: 'builtin', seed: 4 }, { name: 'sk', kind: 'upload', path: dir, count: 3 }] };
    const out = await resolveEvalPaths(spec, host(store, lines));
    expect(out.evalSets?.[0]).toEqual(spec.evalSets?.[0]);
    const sk = out.evalSets?.[1];
    expect(sk).toMatchObject({ name: 'sk', kind: 'upload', count: 3 });
    expect(sk?.path).toBeUndefined();
    expect(sk?.upload).toMatch(/^[0-9a-f]{64}$/);
    expect(lines[0]).toMatch(/evaluation set "sk": .*sketches → upload [0-9a-f]{8}…, 5 pairs loaded \(5 captions\), 0 skipped/);
    // The training worker's loader finds it, at the dataset's image side, first `count` pairs.
    const set = await loadUploadEvalSet('sk', sk?.upload ?? '', 3, 8, store);
    expect(set.size).toBe(8);
    expect(set.captions).toEqual([['a sketch of shape 0'], ['a sketch of shape 1'], ['a sketch of shape 2']]);
  });

  it('names a bad path, a non-archive file and a folder with no usable pairs', async () => {
    const store = new MemoryUploadStore();
    const at = (p: string): DatasetSpec => ({ ...DEFAULT_DATASET, evalSets: [{ name: 'x', kind: 'upload', path: p }] });
    await expect(resolveEvalPaths(at(path.join(root, 'nope')), host(store, []))).rejects.toThrow(/evaluation set path ".*nope": no such file or folder/);
    const txt = path.join(root, 'notes.txt');
    writeFileSync(txt, 'hello');
    await expect(resolveEvalPaths(at(txt), host(store, []))).rejects.toThrow(/notes.txt": a file must be a .zip, .tar, .tar.gz or .tgz archive/);
    const empty = path.join(root, 'captionless');
    mkdirSync(empty);
    writeFileSync(path.join(empty, 'a.png'), png(1, 4, 4));
    await expect(resolveEvalPaths(at(empty), host(store, []))).rejects.toThrow(/evaluation set "x" \(path .*captionless\): 0 usable image–caption pairs in 1 files \(skipped: 1 /);
  });
});
