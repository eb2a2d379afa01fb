// The headless runner's evaluation sets given as paths (dataset.evalSets[i].path, issue 19): the files of a
// folder (recursively, paths relative to the folder's parent, as a folder pick in the browser gives them) or
// one archive the upload ingest reads (.zip, .tar, .tar.gz, .tgz). The page ingests them through the same
// pipeline as the upload UI (src/experiment/eval-paths.ts).
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const ARCHIVE = /\.(zip|tar|tgz|tar\.gz)$/i;

/** [{ path, size, abs }] of the set at `p` (resolved against the working directory); throws naming `p`. */
export function listEvalSetPath(p) {
  const abs = path.resolve(p);
  let st;
  try {
    st = statSync(abs);
  } catch {
    throw new Error(`evaluation set path "${p}": no such file or folder (${abs})`);
  }
  if (st.isFile()) {
    if (!ARCHIVE.test(abs)) throw new Error(`evaluation set path "${p}": a file must be a .zip, .tar, .tar.gz or .tgz archive (or give a folder)`);
    return [{ path: path.basename(abs), size: st.size, abs }];
  }
  if (!st.isDirectory()) throw new Error(`evaluation set path "${p}": neither a folder nor an archive`);
  const top = path.basename(abs);
  const out = [];
  const walk = (dir, rel) => {
    for (const name of readdirSync(dir).sort()) {
      const a = path.join(dir, name);
      const s = statSync(a);
      if (s.isDirectory()) walk(a, `${rel}/${name}`);
      else if (s.isFile()) out.push({ path: `${rel}/${name}`, size: s.size, abs: a });
    }
  };
  walk(abs, top);
  if (!out.length) throw new Error(`evaluation set path "${p}": the folder holds no files`);
  return out;
}
