// Shared types of the upload path: virtual files in, image–caption pairs and a validation report out.
// Pure data, no DOM: the parser runs in a Web Worker and in Node (vitest).

/** One file as the UI/worker hands it over (from File objects, folder pickers or archive members). */
export interface VirtualFile {
  path: string;
  /** The content; may be empty when `probe` is given (the upload worker reads images again to decode). */
  bytes: Uint8Array;
  /**
   * What ingest needs to know about an image file, measured beforehand (probeImage in probe.ts) so
   * that the upload worker does not hold every image's bytes at once. When present, ingest uses it
   * instead of reading `bytes`.
   */
  probe?: ImageProbe;
}

/** Size, sniffed type, structure check and FNV-1a 64 of one file (see probe.ts). */
export interface ImageProbe {
  size: number;
  /** Supported image type by magic bytes, or null. */
  type: 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp' | null;
  /** Name of a recognised but unsupported format (TIFF, HEIC, …), or null. */
  unsupported: string | null;
  /** Structural check when `type` is set. */
  check: { ok: true } | { ok: false; reason: 'truncated-image' | 'undecodable-image'; detail: string } | null;
  /** FNV-1a 64 of the bytes (duplicate detection; the same hash ingest computes itself). */
  fnv: string;
}

/** Why an item was not loaded. Every skip names the file (and the line for line-based metadata). */
export type SkipReason =
  | 'undecodable-image' // image bytes the decoder (or our structure check) rejects
  | 'truncated-image' // PNG without IEND, JPEG without EOI, GIF without trailer, short RIFF/BMP
  | 'unsupported-type' // magic bytes of a format we do not decode (TIFF, HEIC, …) or an unknown file
  | 'caption-without-image'
  | 'image-without-caption'
  | 'empty-caption'
  | 'invalid-utf8'
  | 'duplicate' // same image content as an earlier file, or one path listed twice with different content
  | 'oversized'
  | 'malformed-metadata' // a metadata line/record we cannot read (line number when line-based)
  | 'corrupt-archive'; // a zip/tar/gzip (or one of its members) we cannot expand

export const SKIP_REASONS: readonly SkipReason[] = [
  'undecodable-image',
  'truncated-image',
  'unsupported-type',
  'caption-without-image',
  'image-without-caption',
  'empty-caption',
  'invalid-utf8',
  'duplicate',
  'oversized',
  'malformed-metadata',
  'corrupt-archive',
];

export interface Skip {
  file: string;
  /** 1-based line of a line-based metadata file (jsonl, csv/tsv, sidecar txt, json). */
  line?: number;
  /** Location inside a JSON document (COCO / record list), e.g. "annotations[3]". */
  where?: string;
  reason: SkipReason;
  detail: string;
}

/** Caption sources we recognise; several may be present in one upload. */
export type FormatName =
  | 'imagefolder' // metadata.jsonl / metadata.csv
  | 'csv' // other CSV/TSV (or a .txt table such as Flickr8k captions.txt)
  | 'jsonl' // other JSON Lines, or a JSON list of records
  | 'coco'
  | 'sidecar-txt'
  | 'sidecar-json'
  | 'webdataset'; // tar members grouped by key

export interface IngestReport {
  /** Detected formats joined with '+', e.g. "imagefolder" or "webdataset+zip"; "none" when nothing matched. */
  format: string;
  formats: FormatName[];
  /** Archive kinds that were expanded ('zip' | 'tar' | 'gzip'). */
  archives: string[];
  /** Pairs loaded (images with ≥ 1 caption). */
  loaded: number;
  /** Captions over all loaded pairs. */
  captions: number;
  skipped: Skip[];
  counts: Record<SkipReason, number>;
  /** Files deliberately passed over without being an error (OS litter such as __MACOSX/, .DS_Store). */
  ignored: string[];
  /**
   * Identical captions given again for an image that already had them (another metadata file listing
   * the same captions, or a file repeating itself): nothing is lost, so they are not skips. Absent in
   * reports cached before this field existed.
   */
  repeats?: CaptionRepeat[];
  /** Folders holding more than one caption table: which was read first (see sources.ts). */
  metadata?: MetadataChoice[];
}

/** `count` captions of `file` repeat, identically and for the same image, captions `of` gave first. */
export interface CaptionRepeat {
  file: string;
  /** The file that gave them first; equals `file` when a file repeats itself. */
  of: string;
  count: number;
}

export interface MetadataChoice {
  dir: string;
  /** The metadata file read first (its captions are the originals). */
  used: string;
  /** The other tables of the folder: identical captions they repeat, and new captions they add (kept). */
  others: { file: string; repeated: number; added: number }[];
}

export interface Pair {
  imagePath: string;
  captions: string[];
}

export interface IngestResult {
  /** Sorted by imagePath, so the same upload gives the same order whatever the drop order. */
  pairs: Pair[];
  /** Raw bytes of every paired image, by imagePath (empty for probed files: read them again). */
  images: Map<string, Uint8Array>;
  /** FNV-1a 64 of every paired image's bytes, by imagePath (content identity of the upload). */
  hashes: Map<string, string>;
  report: IngestReport;
}

export interface IngestOptions {
  /** Per-file limit for images and caption files (archive members included); default 20 MB. */
  maxFileBytes?: number;
  /** Limit on the total bytes expanded from archives (zip-bomb guard); default 2 GiB. */
  maxExpandedBytes?: number;
}

export const DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024;
export const DEFAULT_MAX_EXPANDED_BYTES = 2 * 1024 * 1024 * 1024;
