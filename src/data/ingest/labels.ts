// Class labels of an upload, for zero-shot classification: inferred like Hugging Face ImageFolder
// does, from class folders (root/<class>/<image>, also root/<split>/<class>/<image>). Uploads
// without such a layout have no labels, and the app leaves zero-shot out for them.
//
// Rule: after removing the folder prefix every image shares, each image's immediate parent folder
// is its class, provided (a) every image has one, (b) none of them is an archive (a WebDataset shard
// or a zip is not a class), and (c) there are between 2 and min(1000, n/2) classes, so that a class
// holds two images on average.

export interface InferredLabels {
  /** Class names as prompts use them (folder names, "_"/"-" read as spaces). */
  names: string[];
  /** The folder names. */
  folders: string[];
  /** Per path, index into names. */
  label: number[];
}

const ARCHIVE = /\.(zip|tar|tgz|gz)$/i;

export function inferLabels(paths: readonly string[]): InferredLabels | null {
  const n = paths.length;
  if (n < 4) return null;
  const dirs = paths.map((p) => p.split('/').slice(0, -1));
  let common = 0;
  while (dirs.every((d) => d.length > common && d[common] === dirs[0][common])) common++;
  const parents: string[] = [];
  for (const d of dirs) {
    if (d.length <= common) return null;
    const parent = d[d.length - 1];
    if (ARCHIVE.test(parent)) return null;
    parents.push(parent);
  }
  const folders = [...new Set(parents)].sort();
  if (folders.length < 2 || folders.length > Math.min(1000, n / 2)) return null;
  const index = new Map(folders.map((f, i) => [f, i]));
  const pretty = folders.map((f) => f.replace(/[_-]+/g, ' ').trim() || f);
  const names = new Set(pretty).size === pretty.length ? pretty : folders;
  return { names, folders, label: parents.map((p) => index.get(p)!) };
}
