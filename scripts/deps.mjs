#!/usr/bin/env node
// Dependency check for src/: fails on an import circle between folders of src/ or an import that
// points up the layer order (DESIGN.md: ui → store → worker → train → model → engine → kernels → gpu,
// with the folders in between placed below). Also reports file circles and the largest files.
//   node scripts/deps.mjs            check; exit 1 on a folder circle, an upward import or a file circle
//   node scripts/deps.mjs --report   also print folder edges, file circles and the ten largest files
// Imports are read with a regex (static `import … from`, `export … from`, dynamic `import('…')`).
// Between folders every import counts, type-only ones too (a type is a dependency of the design).
// File circles count value imports only: the zustand slices name each other's types through
// store/types.ts, which is erased at build time. Tests (*.test.ts, *.check.ts) are exempt from the
// folder rules: a test may build its fixture from any layer; they still must not form file circles.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');
const SRC = join(ROOT, 'src');

/**
 * The layer order, top first. A folder may import its own layer's folders only if no circle results,
 * and any folder below it. Pages (ui, experiment, bench) sit on top; util, storage and testing are leaves.
 */
export const LAYERS = [
  ['ui', 'experiment', 'bench'],
  ['store'],
  ['worker'],
  ['export', 'teacher'],
  ['train'],
  ['analysis'],
  ['model'],
  ['data'],
  ['engine'],
  ['kernels'],
  ['gpu'],
  ['storage', 'testing', 'util'],
];
const rank = new Map(LAYERS.flatMap((fs, i) => fs.map((f) => [f, i])));

const walk = (d) => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : /\.tsx?$/.test(n) ? [join(d, n)] : []));
const IMPORT = /(?:^|\n)\s*(import|export)\s([^'"`;]*?)from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const isTest = (f) => /\.(test|check)\.tsx?$/.test(f);

function resolveImport(from, spec) {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec.replace(/\?.*$/, ''));
  for (const c of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    try {
      if (statSync(c).isFile()) return c;
    } catch {}
  }
  return null;
}

export function graph() {
  const files = walk(SRC);
  const edges = new Map(files.map((f) => [f, new Set()]));
  const values = new Map(files.map((f) => [f, new Set()]));
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const to = resolveImport(f, m[3] ?? m[4]);
      if (!to || !edges.has(to) || to === f) continue;
      edges.get(f).add(to);
      const typeOnly = m[2] !== undefined && /^type\s/.test(m[2]);
      if (!typeOnly) values.get(f).add(to);
    }
  }
  return { files, edges, values };
}

const folderOf = (f) => relative(SRC, f).split('/')[0];
const rel = (f) => relative(ROOT, f);

/** Strongly connected components with more than one node (Tarjan), each sorted. */
export function circles(nodes, next) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const out = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of next(v)) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const c = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1) out.push(c.sort());
    }
  };
  for (const v of nodes) if (!idx.has(v)) visit(v);
  return out;
}

function main() {
  const report = process.argv.includes('--report');
  const { files, edges, values } = graph();
  const folders = [...new Set(files.map(folderOf))].filter((f) => !/\.tsx?$/.test(f)).sort();
  const fEdges = new Map(folders.map((f) => [f, new Map()]));
  for (const [a, tos] of edges) {
    if (isTest(a)) continue;
    for (const b of tos) {
      const [fa, fb] = [folderOf(a), folderOf(b)];
      if (fa === fb || !fEdges.has(fa) || !fEdges.has(fb)) continue;
      const ex = fEdges.get(fa).get(fb) ?? [];
      ex.push(`${rel(a)} → ${rel(b)}`);
      fEdges.get(fa).set(fb, ex);
    }
  }
  const problems = [];
  const unknown = folders.filter((f) => !rank.has(f));
  for (const f of unknown) problems.push(`src/${f}/ is not in the layer order (scripts/deps.mjs LAYERS, DESIGN.md)`);
  const folderCircles = circles(folders, (f) => fEdges.get(f).keys());
  for (const c of folderCircles) problems.push(`folder circle: ${c.join(' ⇄ ')}`);
  for (const [fa, tos] of fEdges) {
    for (const [fb, via] of tos) {
      if (rank.has(fa) && rank.has(fb) && rank.get(fb) < rank.get(fa)) problems.push(`upward import ${fa} → ${fb}: ${via[0]}${via.length > 1 ? ` (+${via.length - 1} more)` : ''}`);
    }
  }
  const fileCircles = circles(files, (f) => values.get(f));
  for (const c of fileCircles) problems.push(`file circle: ${c.map(rel).join(' ⇄ ')}`);
  if (report) {
    console.log('folder edges:');
    for (const [fa, tos] of fEdges) for (const [fb, via] of tos) console.log(`  ${fa} → ${fb} (${via.length})`);
    const sizes = files.filter((f) => !/\.test\.tsx?$|\.check\.ts$/.test(f)).map((f) => [readFileSync(f, 'utf8').split('\n').length, rel(f)]);
    sizes.sort((a, b) => b[0] - a[0]);
    console.log('largest source files (lines):');
    for (const [n, f] of sizes.slice(0, 10)) console.log(`  ${String(n).padStart(5)} ${f}`);
  }
  console.log(`deps: ${files.length} files, ${folders.length} folders; ${folderCircles.length} folder circles, ${fileCircles.length} file circles, ${problems.length - folderCircles.length - fileCircles.length} upward imports or unplaced folders`);
  for (const p of problems) console.log(`  ✗ ${p}`);
  if (problems.length) process.exitCode = 1;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) main();
