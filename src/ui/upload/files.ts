// Files from the three ways in (file picker, folder picker, drag and drop) as {path, file} with the
// path inside the upload: webkitRelativePath for folder picks ("set/img/1.png"), the entry's full
// path for dropped folders, the bare name for loose files.
import type { PickedFile } from '../../store/uploads';

export function fromFileList(list: FileList | readonly File[]): PickedFile[] {
  return Array.from(list, (file) => ({ path: file.webkitRelativePath || file.name, file }));
}

const readBatch = (r: FileSystemDirectoryReader) => new Promise<FileSystemEntry[]>((res, rej) => r.readEntries(res, rej));
const fileOf = (e: FileSystemFileEntry) => new Promise<File>((res, rej) => e.file(res, rej));

async function walk(entry: FileSystemEntry, out: PickedFile[]): Promise<void> {
  if (entry.isFile) {
    out.push({ path: entry.fullPath.replace(/^\/+/, ''), file: await fileOf(entry as FileSystemFileEntry) });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries answers in batches (100 in Chromium) until it returns an empty one.
  for (;;) {
    const batch = await readBatch(reader);
    if (!batch.length) break;
    for (const e of batch) await walk(e, out);
  }
}

/** Everything dropped, folders walked recursively. Must be called during the drop event (entries expire). */
export async function fromDataTransfer(dt: DataTransfer): Promise<PickedFile[]> {
  const entries = Array.from(dt.items, (it) => (it.kind === 'file' ? it.webkitGetAsEntry() : null));
  if (entries.every((e) => e === null)) return fromFileList(dt.files);
  const out: PickedFile[] = [];
  for (const e of entries) if (e) await walk(e, out);
  return out;
}

/** A display name: the one top folder or file everything sits in, else "N files". */
export function uploadName(files: readonly PickedFile[]): string {
  const tops = new Set(files.map((f) => f.path.split('/')[0]));
  if (tops.size === 1) return [...tops][0];
  return `${files.length} files`;
}
