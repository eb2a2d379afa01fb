// Recursive expansion of zip (fflate), tar (nanotar) and gzip (fflate) inside the upload list.
// Members become virtual files named "<archive path>/<member path>". A damaged archive keeps every
// member that can be read: zip falls back to per-entry extraction and then to a streaming pass
// over local headers (truncated zip without central directory); tar is cut after the last complete,
// checksum-valid member.
import { Unzip, UnzipInflate, gunzipSync, unzipSync } from 'fflate';
import { type ParsedTarFileItem, parseTar } from 'nanotar';
import { extname, normPath } from './text';
import type { Skip, VirtualFile } from './types';

export interface SourceFile extends VirtualFile {
  /** Path of the tar shard this file came from (WebDataset grouping); undefined elsewhere. */
  shard?: string;
}

export interface ExpandLimits {
  maxFileBytes: number;
  maxExpandedBytes: number;
  maxDepth?: number;
}

export type ArchiveKind = 'zip' | 'tar' | 'gzip';

export function archiveKind(f: VirtualFile): ArchiveKind | null {
  const b = f.bytes;
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5) && (b[3] === 4 || b[3] === 6)) return 'zip';
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
  if (b.length >= 263 && String.fromCharCode(...b.subarray(257, 262)) === 'ustar') return 'tar';
  const ext = extname(f.path);
  if (ext === 'tar') return 'tar';
  if (ext === 'zip') return 'zip';
  return null;
}

/** Archive-looking names are exempt from maxFileBytes (their members are checked instead). */
const looksLikeArchive = (name: string) => /\.(zip|tar|tgz|gz)$/i.test(name);

export function expandArchives(
  input: VirtualFile[],
  limits: ExpandLimits,
  skip: (s: Skip) => void,
): { files: SourceFile[]; archives: Set<ArchiveKind> } {
  const files: SourceFile[] = [];
  const archives = new Set<ArchiveKind>();
  const maxDepth = limits.maxDepth ?? 4;
  let expanded = 0;

  const budget = (archive: string, name: string, size: number): boolean => {
    if (expanded + size > limits.maxExpandedBytes) {
      skip({ file: `${archive}/${name}`, reason: 'oversized', detail: `archive expansion limit of ${limits.maxExpandedBytes} bytes reached` });
      return false;
    }
    if (size > limits.maxFileBytes && !looksLikeArchive(name)) {
      skip({ file: `${archive}/${name}`, reason: 'oversized', detail: `${size} bytes > limit ${limits.maxFileBytes}` });
      return false;
    }
    expanded += size;
    return true;
  };

  const visit = (f: SourceFile, depth: number) => {
    const kind = archiveKind(f);
    if (!kind) {
      files.push(f);
      return;
    }
    if (depth >= maxDepth) {
      skip({ file: f.path, reason: 'corrupt-archive', detail: `archive nested deeper than ${maxDepth} levels` });
      return;
    }
    archives.add(kind);
    const push = (name: string, bytes: Uint8Array, shard?: string) =>
      visit({ path: normPath(`${f.path}/${name}`), bytes, shard }, depth + 1);
    if (kind === 'zip') expandZip(f, budget, push, skip);
    else if (kind === 'tar') expandTar(f, budget, (name, bytes) => push(name, bytes, f.path), skip);
    else {
      let out: Uint8Array;
      try {
        out = gunzipSync(f.bytes);
      } catch (e) {
        skip({ file: f.path, reason: 'corrupt-archive', detail: `gzip: ${(e as Error).message}` });
        return;
      }
      if (!budget(f.path, '', out.length)) return;
      const inner = f.path.replace(/\.tgz$/i, '.tar').replace(/\.gz$/i, '');
      visit({ path: inner === f.path ? `${f.path}.out` : inner, bytes: out }, depth + 1);
    }
  };

  for (const f of input) visit({ path: normPath(f.path), bytes: f.bytes, ...(f.probe ? { probe: f.probe } : {}) }, 0);
  return { files, archives };
}

type Budget = (archive: string, name: string, size: number) => boolean;
type Push = (name: string, bytes: Uint8Array) => void;

function expandZip(f: VirtualFile, budget: Budget, push: Push, skip: (s: Skip) => void) {
  const entries: { name: string; originalSize: number; compression: number }[] = [];
  try {
    unzipSync(f.bytes, {
      filter: (e) => {
        entries.push({ name: e.name, originalSize: e.originalSize, compression: e.compression });
        return false;
      },
    });
  } catch (e) {
    streamZip(f, budget, push, skip, (e as Error).message);
    return;
  }
  const wanted = new Set<string>();
  for (const e of entries) {
    if (e.name.endsWith('/')) continue;
    if (e.compression !== 0 && e.compression !== 8) {
      skip({ file: `${f.path}/${e.name}`, reason: 'corrupt-archive', detail: `unsupported zip compression method ${e.compression}` });
    } else if (budget(f.path, e.name, e.originalSize)) wanted.add(e.name);
  }
  let out: Record<string, Uint8Array>;
  try {
    out = unzipSync(f.bytes, { filter: (e) => wanted.has(e.name) });
  } catch {
    // One damaged member: extract the others one at a time.
    out = {};
    for (const name of wanted) {
      try {
        Object.assign(out, unzipSync(f.bytes, { filter: (e) => e.name === name }));
      } catch (e) {
        skip({ file: `${f.path}/${name}`, reason: 'corrupt-archive', detail: `zip member: ${(e as Error).message}` });
      }
    }
  }
  for (const name of Object.keys(out)) push(name, out[name]);
}

/** Truncated zip (no central directory): walk the local headers and keep every member that completes. */
function streamZip(f: VirtualFile, budget: Budget, push: Push, skip: (s: Skip) => void, why: string) {
  const done: { name: string; bytes: Uint8Array }[] = [];
  let current = '';
  const uz = new Unzip((file) => {
    if (file.name.endsWith('/')) return;
    const chunks: Uint8Array[] = [];
    file.ondata = (err, data, final) => {
      if (err) return;
      chunks.push(data);
      if (final) done.push({ name: file.name, bytes: concat(chunks) });
    };
    current = file.name;
    file.start();
  });
  uz.register(UnzipInflate);
  let error = why;
  try {
    uz.push(f.bytes, true);
  } catch (e) {
    error = (e as Error).message;
  }
  const seen = new Set(done.map((d) => d.name));
  const lost = current && !seen.has(current) ? ` (member "${current}" is incomplete)` : '';
  skip({ file: f.path, reason: 'corrupt-archive', detail: `zip: ${error}; ${done.length} complete member(s) recovered${lost}` });
  for (const d of done) if (budget(f.path, d.name, d.bytes.length)) push(d.name, d.bytes);
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const n = chunks.reduce((s, c) => s + c.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

const TAR_FILE_TYPES = new Set(['file', 'contiguousFile', undefined]);

function expandTar(f: VirtualFile, budget: Budget, push: Push, skip: (s: Skip) => void) {
  const { end, problem } = tarCompletePrefix(f.bytes);
  if (problem) skip({ file: f.path, reason: 'corrupt-archive', detail: `tar: ${problem}; members before it kept` });
  // nanotar reads `data.buffer` whole, so hand it a fresh buffer (not a subarray view), closed
  // by the two zero blocks that end a tar.
  const buf = new Uint8Array(end + 1024);
  buf.set(f.bytes.subarray(0, end));
  let items: ParsedTarFileItem[];
  try {
    items = parseTar(buf) as ParsedTarFileItem[];
  } catch (e) {
    skip({ file: f.path, reason: 'corrupt-archive', detail: `tar: ${(e as Error).message}` });
    return;
  }
  for (const it of items) {
    if (!TAR_FILE_TYPES.has(it.type)) continue; // directories, links, devices
    const data = it.data ?? new Uint8Array(0);
    if (budget(f.path, it.name, data.length)) push(it.name, data.slice());
  }
}

/** Offset just past the last complete, checksum-valid tar member, and what stopped the walk early. */
export function tarCompletePrefix(b: Uint8Array): { end: number; problem?: string } {
  let off = 0;
  while (off + 512 <= b.length) {
    const h = b.subarray(off, off + 512);
    if (h.every((x) => x === 0)) return { end: off };
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
    const stored = octal(h, 148, 8);
    if (stored !== sum) return { end: off, problem: `bad header checksum at byte ${off}` };
    const size = octal(h, 124, 12);
    if (Number.isNaN(size)) return { end: off, problem: `bad size field at byte ${off}` };
    if (off + 512 + size > b.length) return { end: off, problem: `member at byte ${off} is truncated` };
    off += 512 + Math.ceil(size / 512) * 512;
  }
  if (off < b.length && b.subarray(off).some((x) => x !== 0)) return { end: off, problem: `header at byte ${off} is truncated` };
  return { end: Math.min(off, b.length) };
}

function octal(h: Uint8Array, at: number, len: number): number {
  if (h[at] & 0x80) {
    // GNU base-256 for large sizes
    let v = 0;
    for (let i = 1; i < len; i++) v = v * 256 + h[at + i];
    return v;
  }
  const s = String.fromCharCode(...h.subarray(at, at + len)).replace(/[\0 ]+$/g, '').trim();
  if (!/^[0-7]*$/.test(s)) return Number.NaN;
  return s === '' ? 0 : Number.parseInt(s, 8);
}
