// ingest(files) → image–caption pairs + validation report. Pure (no DOM): runs in the upload
// worker and in Node. Steps: expand archives → drop OS litter and repeated paths → sort by path →
// classify (text metadata / image by magic bytes / other) → structural image check and duplicate
// removal by content hash → parse every caption source → resolve image references → pairs.
// One bad item never aborts the load: every problem becomes a Skip in the report. A caption given
// again identically for the same image is no problem: it is tallied as a repeat (sources.ts).
import { expandArchives, type SourceFile } from './archive';
import { fnv1a64, sameBytes } from './hash';
import { IMAGE_EXTENSIONS, checkImage, detectImageType, detectUnsupportedType } from './magic';
import { type CaptionRecord, parseCsv, parseJson, parseJsonl } from './metadata';
import { CaptionTally, sourceRank } from './sources';
import { basename, cleanCaption, decodeLines, extname, joinPath, normPath, stemPath, wdsKey } from './text';
import {
  DEFAULT_MAX_EXPANDED_BYTES,
  DEFAULT_MAX_FILE_BYTES,
  type FormatName,
  type IngestOptions,
  type IngestResult,
  type Pair,
  SKIP_REASONS,
  type Skip,
  type SkipReason,
  type VirtualFile,
} from './types';

const TEXT_EXTENSIONS = new Set(['txt', 'csv', 'tsv', 'json', 'jsonl']);
const FORMAT_ORDER: FormatName[] = ['imagefolder', 'csv', 'jsonl', 'coco', 'sidecar-txt', 'sidecar-json', 'webdataset'];
const LITTER = new Set(['.ds_store', 'thumbs.db', 'desktop.ini']);

/** macOS resource forks, hidden files/folders (.git, .ipynb_checkpoints) and Windows thumbnails. */
export function isLitter(path: string): boolean {
  return path.split('/').some((seg) => seg === '__MACOSX' || seg.startsWith('.') || LITTER.has(seg.toLowerCase()));
}

interface Rec extends CaptionRecord {
  format: FormatName;
  /** Already-resolved image path (sidecars). */
  target?: string;
}

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/**
 * Same file content: byte comparison when both bytes are at hand, else (a probed file whose bytes
 * were not kept) equal size and FNV-1a 64 — a false match needs a 64-bit collision.
 */
function sameContent(a: SourceFile, b: SourceFile): boolean {
  if (!a.probe && !b.probe) return sameBytes(a.bytes, b.bytes);
  const size = (f: SourceFile) => f.probe?.size ?? f.bytes.length;
  const fnv = (f: SourceFile) => f.probe?.fnv ?? fnv1a64(f.bytes);
  return size(a) === size(b) && fnv(a) === fnv(b);
}

export function ingest(files: VirtualFile[], opts: IngestOptions = {}): IngestResult {
  const maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const skipped: Skip[] = [];
  const report = (s: Skip) => skipped.push(s);
  const ignored: string[] = [];
  const formats = new Set<FormatName>();

  const { files: expanded, archives } = expandArchives(
    files,
    { maxFileBytes, maxExpandedBytes: opts.maxExpandedBytes ?? DEFAULT_MAX_EXPANDED_BYTES },
    report,
  );

  // Repeated paths: identical bytes are one file; different bytes keep the first (in input order).
  const unique = new Map<string, SourceFile>();
  for (const f of expanded) {
    if (isLitter(f.path)) {
      ignored.push(f.path);
      continue;
    }
    const prev = unique.get(f.path);
    if (!prev) unique.set(f.path, f);
    else if (sameContent(prev, f)) ignored.push(`${f.path} (listed twice)`);
    else report({ file: f.path, reason: 'duplicate', detail: 'path listed twice with different content; the first is kept' });
  }
  const sorted = [...unique.values()].sort(byPath);

  // ---- classify
  const texts: SourceFile[] = [];
  const imageFiles: { f: SourceFile; type: NonNullable<ReturnType<typeof detectImageType>> }[] = [];
  const badImages = new Map<string, SkipReason>(); // image-like files that were skipped
  const badImage = (f: SourceFile, reason: SkipReason, detail: string) => {
    badImages.set(f.path, reason);
    report({ file: f.path, reason, detail });
  };
  for (const f of sorted) {
    const ext = extname(f.path);
    const size = f.probe?.size ?? f.bytes.length;
    const type = TEXT_EXTENSIONS.has(ext) ? null : f.probe ? f.probe.type : detectImageType(f.bytes);
    if (size > maxFileBytes) {
      const detail = `${size} bytes > limit ${maxFileBytes}`;
      if (type || IMAGE_EXTENSIONS.has(ext)) badImage(f, 'oversized', detail);
      else report({ file: f.path, reason: 'oversized', detail });
    } else if (TEXT_EXTENSIONS.has(ext)) texts.push(f);
    else if (type) imageFiles.push({ f, type });
    else {
      const other = f.probe ? f.probe.unsupported : detectUnsupportedType(f.bytes);
      if (other) badImage(f, 'unsupported-type', `${other} is not supported (PNG, JPEG, WebP, GIF, BMP are)`);
      else if (IMAGE_EXTENSIONS.has(ext))
        badImage(f, size === 0 ? 'truncated-image' : 'undecodable-image', size === 0 ? 'empty file' : 'no PNG/JPEG/GIF/WebP/BMP signature');
      else if (f.shard) ignored.push(`${f.path} (WebDataset field without captions)`);
      else report({ file: f.path, reason: 'unsupported-type', detail: `not an image or caption file (.${ext || 'no extension'})` });
    }
  }

  // ---- images: structure check, duplicates by content
  const good = new Map<string, SourceFile>();
  const hashOf = new Map<string, string>();
  const alias = new Map<string, string>(); // duplicate path → kept path (its captions merge there)
  const byHash = new Map<string, string[]>();
  for (const { f, type } of imageFiles) {
    const chk = f.probe?.check ?? checkImage(f.bytes, type);
    if (!chk.ok) {
      badImage(f, chk.reason, chk.detail);
      continue;
    }
    const h = f.probe?.fnv ?? fnv1a64(f.bytes);
    const same = (byHash.get(h) ?? []).find((p) => sameContent(good.get(p)!, f));
    if (same) {
      alias.set(f.path, same);
      report({ file: f.path, reason: 'duplicate', detail: `same content as ${same}; its captions go to that image` });
      continue;
    }
    byHash.set(h, [...(byHash.get(h) ?? []), f.path]);
    good.set(f.path, f);
    hashOf.set(f.path, h);
  }

  // ---- lookup tables over every image-like path (good, duplicate or skipped)
  const known = [...good.keys(), ...alias.keys(), ...badImages.keys()];
  const exact = new Set(known);
  const lower = new Map<string, string>();
  const byBase = new Map<string, string[]>();
  const stems = new Map<string, string[]>();
  const shardOf = new Map(sorted.map((f) => [f.path, f.shard]));
  for (const p of known) {
    if (!lower.has(p.toLowerCase())) lower.set(p.toLowerCase(), p);
    const b = basename(p);
    byBase.set(b, [...(byBase.get(b) ?? []), p]);
    const key = shardOf.get(p) ? wdsKey(p) : stemPath(p);
    stems.set(key, [...(stems.get(key) ?? []), p]);
  }
  const lookup = (ref: string, dir: string): string | undefined => {
    const cands = [joinPath(dir, ref), normPath(ref)];
    const noHash = ref.replace(/#\d+$/, ''); // Flickr8k "name.jpg#0"
    if (noHash !== ref) cands.push(joinPath(dir, noHash), normPath(noHash));
    for (const c of cands) if (exact.has(c)) return c;
    for (const c of cands) {
      const hit = lower.get(c.toLowerCase());
      if (hit) return hit;
    }
    const b = byBase.get(basename(normPath(noHash)));
    return b && b.length === 1 ? b[0] : undefined;
  };

  // ---- caption sources
  const records: Rec[] = [];
  for (const f of texts) {
    const ext = extname(f.path);
    const base = basename(f.path).toLowerCase();
    const sidecarFormat: FormatName = f.shard ? 'webdataset' : ext === 'txt' ? 'sidecar-txt' : 'sidecar-json';
    const targets = stems.get(f.shard ? wdsKey(f.path) : stemPath(f.path));
    const local: CaptionRecord[] = [];
    const emit = (r: CaptionRecord) => local.push(r);
    const sidecar = (captions: string[], line?: number) => {
      if (!targets) {
        report({ file: f.path, line, reason: 'caption-without-image', detail: `no image named ${basename(stemPath(f.path))}.<png|jpg|…> beside it` });
        return;
      }
      formats.add(sidecarFormat);
      for (const t of targets) for (const caption of captions) records.push({ ref: t, dir: '', caption, file: f.path, line, format: sidecarFormat, target: t });
    };
    try {
      if (ext === 'jsonl') {
        const fmt: FormatName = base === 'metadata.jsonl' ? 'imagefolder' : 'jsonl';
        formats.add(fmt);
        parseJsonl(f.path, f.bytes, emit, report);
        for (const r of local) records.push({ ...r, format: fmt });
      } else if (ext === 'csv' || ext === 'tsv') {
        const fmt: FormatName = base === 'metadata.csv' ? 'imagefolder' : 'csv';
        formats.add(fmt);
        parseCsv(f.path, f.bytes, emit, report, { tsv: ext === 'tsv' });
        for (const r of local) records.push({ ...r, format: fmt });
      } else if (ext === 'json') {
        const kind = parseJson(f.path, f.bytes, emit, report, (caps) => sidecar(caps));
        if (kind === 'coco' || kind === 'records') {
          const fmt: FormatName = kind === 'coco' ? 'coco' : 'jsonl';
          formats.add(fmt);
          for (const r of local) records.push({ ...r, format: fmt });
        } else if (kind === 'unknown') {
          if (f.shard) ignored.push(`${f.path} (WebDataset JSON without a caption field)`);
          else report({ file: f.path, reason: 'unsupported-type', detail: 'JSON is neither COCO captions, a list of records, nor an object with a caption field' });
        }
      } else if (targets) {
        // Sidecar .txt: one caption per non-empty line.
        const lines = decodeLines(f.bytes);
        let any = false;
        lines.forEach((l, i) => {
          if (l === null) {
            any = true;
            report({ file: f.path, line: i + 1, reason: 'invalid-utf8', detail: 'line is not valid UTF-8' });
            return;
          }
          const c = cleanCaption(l);
          if (c) {
            any = true;
            sidecar([c], lines.length > 1 ? i + 1 : undefined);
          }
        });
        if (!any) report({ file: f.path, reason: 'empty-caption', detail: 'caption file is empty or whitespace' });
      } else if (parseCsv(f.path, f.bytes, emit, report, { quietIfNotTable: true })) {
        formats.add('csv'); // a .txt table, e.g. Flickr8k captions.txt
        for (const r of local) records.push({ ...r, format: 'csv' });
      } else sidecar([]);
    } catch (e) {
      report({ file: f.path, reason: 'malformed-metadata', detail: `unreadable: ${(e as Error).message}` });
    }
  }

  // ---- attach captions to images, the preferred metadata file first (stable: path order otherwise)
  records.sort((a, b) => sourceRank(a.file) - sourceRank(b.file));
  const captions = new Map<string, string[]>();
  const tally = new CaptionTally();
  for (const r of records) {
    const at = { file: r.file, line: r.line, where: r.where };
    const p = r.target ?? lookup(r.ref, r.dir);
    if (p === undefined) {
      report({ ...at, reason: 'caption-without-image', detail: `no image "${r.ref}"` });
      continue;
    }
    const bad = badImages.get(p);
    if (bad) {
      report({ ...at, reason: 'caption-without-image', detail: `image ${p} was skipped (${bad})` });
      continue;
    }
    const kept = alias.get(p) ?? p;
    if (!tally.offer(kept, r.caption, r.file, r.format)) continue; // a repeat: tallied, not a loss
    const list = captions.get(kept);
    if (list) list.push(r.caption);
    else captions.set(kept, [r.caption]);
  }

  const pairs: Pair[] = [];
  const images = new Map<string, Uint8Array>();
  const hashes = new Map<string, string>();
  for (const [p, f] of good) {
    const caps = captions.get(p);
    if (!caps || caps.length === 0) {
      report({ file: p, reason: 'image-without-caption', detail: 'no caption found for this image' });
      continue;
    }
    pairs.push({ imagePath: p, captions: caps });
    images.set(p, f.bytes);
    hashes.set(p, hashOf.get(p)!);
  }
  pairs.sort((a, b) => byPath({ path: a.imagePath }, { path: b.imagePath }));

  const counts = Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as Record<SkipReason, number>;
  for (const s of skipped) counts[s.reason]++;
  const fmts = FORMAT_ORDER.filter((f) => formats.has(f));
  const arch = (['zip', 'tar', 'gzip'] as const).filter((a) => archives.has(a));
  return {
    pairs,
    images,
    hashes,
    report: {
      format: [...fmts, ...arch].join('+') || 'none',
      formats: fmts,
      archives: arch,
      loaded: pairs.length,
      captions: pairs.reduce((s, p) => s + p.captions.length, 0),
      skipped,
      counts,
      ignored,
      repeats: tally.repeatList(),
      metadata: tally.choices(),
    },
  };
}
