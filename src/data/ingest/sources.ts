// Several caption sources for the same images (a metadata.jsonl beside a captions.csv listing the same
// captions, sidecar .txt files beside a table): which one is read first, which captions are repeats, and
// the one-line summaries the upload report shows. A caption given again, identically, for an image that
// already has it costs the user nothing, so it is tallied here and never reported as a skip.
import { basename, dirname } from './text';
import type { CaptionRepeat, FormatName, IngestReport, MetadataChoice } from './types';

/** Sources that list many images (not per-image sidecars). */
const TABLE_FORMATS: ReadonlySet<FormatName> = new Set(['imagefolder', 'csv', 'jsonl', 'coco']);

/**
 * Precedence of caption sources (lower first). Hugging Face ImageFolder reads ONE metadata file per
 * folder (metadata.csv / metadata.jsonl / metadata.parquet); we read metadata.jsonl first, then
 * metadata.csv, then every other source in path order — and keep the captions a later source adds
 * (nothing valid is dropped), counting its identical ones as repeats of the source that gave them first.
 */
export function sourceRank(file: string): number {
  const b = basename(file).toLowerCase();
  return b === 'metadata.jsonl' ? 0 : b === 'metadata.csv' ? 1 : 2;
}

/** Who gave which caption to which image first; repeats and additions per source file. */
export class CaptionTally {
  private readonly givers = new Map<string, Map<string, string>>(); // image → caption → first file
  private readonly repeats = new Map<string, CaptionRepeat>(); // `${file}\0${of}` → tally
  private readonly added = new Map<string, number>(); // file → captions it gave first
  private readonly tables = new Map<string, FormatName>(); // table-like source files seen

  /** Offer `caption` for `image` from `file`; true when it is new for that image (keep it). */
  offer(image: string, caption: string, file: string, format: FormatName): boolean {
    if (TABLE_FORMATS.has(format)) this.tables.set(file, format);
    let byCaption = this.givers.get(image);
    if (!byCaption) {
      byCaption = new Map();
      this.givers.set(image, byCaption);
    }
    const of = byCaption.get(caption);
    if (of === undefined) {
      byCaption.set(caption, file);
      this.added.set(file, (this.added.get(file) ?? 0) + 1);
      return true;
    }
    const key = `${file}\0${of}`;
    const t = this.repeats.get(key) ?? { file, of, count: 0 };
    t.count++;
    this.repeats.set(key, t);
    return false;
  }

  /** Repeats, largest first (ties by file). */
  repeatList(): CaptionRepeat[] {
    return [...this.repeats.values()].sort((a, b) => b.count - a.count || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  }

  /** Folders holding more than one caption table: the one read first, and what each other one gave. */
  choices(): MetadataChoice[] {
    const byDir = new Map<string, string[]>();
    for (const file of this.tables.keys()) byDir.set(dirname(file), [...(byDir.get(dirname(file)) ?? []), file]);
    const out: MetadataChoice[] = [];
    for (const [dir, files] of [...byDir].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      if (files.length < 2) continue;
      const [used, ...rest] = files.sort((a, b) => sourceRank(a) - sourceRank(b) || (a < b ? -1 : 1));
      const repeated = (f: string) => this.repeatList().reduce((s, r) => s + (r.file === f ? r.count : 0), 0);
      out.push({ dir, used, others: rest.map((file) => ({ file, repeated: repeated(file), added: this.added.get(file) ?? 0 })) });
    }
    return out;
  }
}

const n = (v: number) => v.toLocaleString('en-US');
const plural = (v: number, one: string) => `${n(v)} ${one}${v === 1 ? '' : 's'}`;

/**
 * The report's lines about several sources: which metadata file was used per folder, then ONE line per
 * (repeating file, original file) pair, e.g. "captions.csv repeats metadata.jsonl: 1,906 identical
 * captions ignored". Old cached reports have neither field: no lines.
 */
export function describeSources(report: Pick<IngestReport, 'metadata' | 'repeats'>): string[] {
  const lines: string[] = [];
  for (const c of report.metadata ?? []) {
    const adds = c.others.filter((o) => o.added > 0).map((o) => `${o.file} adds ${plural(o.added, 'caption')} ${c.used} lacks`);
    lines.push(`${c.dir || 'top folder'}: ${c.used} used (one metadata file per folder: metadata.jsonl, then metadata.csv, then others by name)${adds.length ? `; ${adds.join('; ')}` : ''}`);
  }
  for (const r of report.repeats ?? [])
    lines.push(`${r.file} repeats ${r.file === r.of ? 'itself' : r.of}: ${plural(r.count, 'identical caption')} ignored`);
  return lines;
}
