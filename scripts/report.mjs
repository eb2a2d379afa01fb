import { readFileSync, writeFileSync } from 'node:fs';
// Self-contained HTML report of an experiment result (plotly inlined, no network).

/**
 * A p-value as text; mirrors formatP in src/analysis/seed-stats.ts: a resampling p below 1/replicates
 * (no replicate had the other sign) prints "< 0.001" for 1,000 replicates, never 0.000.
 */
export function formatP(p, replicates = 1000) {
  const floor = replicates > 0 ? 1 / replicates : 0.001;
  if (p < floor) return `< ${Number(floor.toPrecision(2))}`;
  return p.toFixed(Math.max(3, replicates > 0 ? Math.ceil(Math.log10(replicates)) : 3));
}

/** One comparison's figures: Δ [CI], raw p, Holm p (older results without Holm show raw p only). */
function comparisonCells(c) {
  const R = c.replicates ?? 1000;
  return {
    pair: `${c.a} vs ${c.b}`,
    metric: c.set === undefined ? c.metric : `${c.set} · ${c.metric}`, // an evaluation set's (issue 19)
    delta: `${c.diff.toFixed(3)} [${c.ci[0].toFixed(3)}, ${c.ci[1].toFixed(3)}]`,
    p: formatP(c.p, R),
    pHolm: c.pHolm === undefined ? '–' : formatP(c.pHolm, R),
    verdict: c.verdict,
  };
}

/**
 * Parameters per module of each preset (issue 16.4), from the results JSON's `runs[].params.byModule` (counted by
 * src/model/modules.ts for the config each run trained): one row per preset in the experiment's order (its
 * first run; every seed of a preset trains the same config), one column per module that some preset has, in
 * the JSON's module order. Null when no run carries per-module counts (older results).
 */
export function paramsByModule(result) {
  const first = new Map();
  for (const r of result.runs ?? []) if (r.params?.byModule && !first.has(r.preset)) first.set(r.preset, r.params);
  if (!first.size) return null;
  const order = [...(result.experiment?.presets ?? []).filter((p) => first.has(p)), ...[...first.keys()].filter((p) => !(result.experiment?.presets ?? []).includes(p))];
  const modules = [];
  for (const p of first.values()) for (const m of Object.keys(p.byModule)) if (!modules.includes(m)) modules.push(m);
  const cols = modules.filter((m) => order.some((p) => (first.get(p).byModule[m] ?? 0) > 0));
  const fmt = (n) => n.toLocaleString('en-US');
  return { cols: ['preset', 'total', ...cols], rows: order.map((p) => [p, fmt(first.get(p).total), ...cols.map((m) => fmt(first.get(p).byModule[m] ?? 0))]) };
}

const BY_MODULE_NOTE =
  'Parameters by module (src/model/modules.ts): stem = patch embedding or conv stem; branch / fusion = MS-CLIP’s parallel branch; shared = weights both towers read, counted once; a 0 or a missing column means the module is absent.';

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/**
 * The results table's header: one row of column names, or, when the summary has evaluation-set columns
 * ("<set> · <metric>", issue 19), a first row grouping them — "own validation split" over the others.
 */
export function headerGroups(cols) {
  const groupOf = (k) => (k.includes(' · ') ? k.slice(0, k.indexOf(' · ')) : null);
  if (!cols.some(groupOf)) return null;
  const ID = new Set(['preset', 'seeds', 'params']); // the row's identity: under no group
  const groups = [];
  for (const k of cols) {
    const g = ID.has(k) ? ' ' : (groupOf(k) ?? '');
    const last = groups[groups.length - 1];
    if (last && last.name === g) last.span++;
    else groups.push({ name: g, span: 1 });
  }
  return {
    groups: groups.map((g) => ({ ...g, label: g.name === ' ' ? '' : g.name ? `evaluation set: ${g.name}` : 'own validation split' })),
    names: cols.map((k) => (groupOf(k) ? k.slice(k.indexOf(' · ') + 3) : k)),
  };
}

export function renderReport(result, plotlySource) {
  const rows = result.summary?.rows ?? [];
  const comps = result.summary?.comparisons ?? [];
  const hg = headerGroups(Object.keys(rows[0] ?? {}));
  const head = hg
    ? `<tr>${hg.groups.map((g) => `<th colspan="${g.span}" data-group="${esc(g.name)}">${esc(g.label)}</th>`).join('')}</tr><tr>${hg.names.map((k) => `<th>${esc(k)}</th>`).join('')}</tr>`
    : `<tr>${Object.keys(rows[0] ?? {}).map((k) => `<th>${esc(k)}</th>`).join('')}</tr>`;
  const table = `<table><thead>${head}</thead><tbody>${rows
    .map((r) => `<tr>${Object.values(r).map((v) => `<td>${esc(v)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
  const bm = paramsByModule(result);
  const byModule = bm
    ? `<h2>Parameters by module</h2><p>${esc(BY_MODULE_NOTE)}</p><table data-table="params-by-module"><thead><tr>${bm.cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${bm.rows
        .map((r) => `<tr>${r.map((v) => `<td>${esc(v)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`
    : '';
  const data = JSON.stringify(result.runs.map((r) => ({ id: r.id, preset: r.preset, curve: r.curve, evals: r.evals })));
  return `<!doctype html><html><head><meta charset="utf-8"><title>ShareLab — ${esc(result.experiment.name)}</title>
<style>body{font-family:system-ui,sans-serif;margin:20px;max-width:1200px}table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:3px 8px;text-align:right}th:first-child,td:first-child{text-align:left}.plot{height:380px}</style>
<script>${plotlySource}</script></head><body>
<h1>ShareLab experiment: ${esc(result.experiment.name)}</h1>
<p>${esc(result.experiment.description ?? '')}</p>
<p>Machine: ${esc(result.machine)}. Date ${esc(result.date)}. Wall time ${result.wallSeconds.toFixed(0)} s.</p>
<h2>Results</h2><p>${esc(result.summary?.note ?? '')}</p>${table}
${byModule}
<h2>Each preset vs ${esc(result.experiment.presets[0])}</h2><table><thead><tr><th>comparison</th><th>metric</th><th>Δ [95% CI]</th><th>p (one-sided)</th><th>Holm p</th><th>verdict (Holm)</th></tr></thead><tbody>${comps
    .map(comparisonCells)
    .map((c) => `<tr><td>${esc(c.pair)}</td><td>${esc(c.metric)}</td><td>${esc(c.delta)}</td><td>${esc(c.p)}</td><td>${esc(c.pHolm)}</td><td>${esc(c.verdict)}</td></tr>`)
    .join('')}</tbody></table>
<div id="curves"><h3>Training loss</h3><div id="loss" class="plot"></div>
<h3>Final validation R@1 (image→text), one point per seed</h3><div id="r1" class="plot"></div></div>
<script>
const runs = ${data};
const presets = [...new Set(runs.map(r => r.preset))];
const colour = p => ['#3a5bd9','#d9534f','#2ca02c','#ff7f0e','#9467bd','#8c564b','#e377c2','#17becf','#7f7f7f'][presets.indexOf(p) % 9];
Plotly.newPlot('loss', runs.map(r => ({x: r.curve.map(c => c.step), y: r.curve.map(c => c.loss), name: r.id, line: {color: colour(r.preset), width: 1}, legendgroup: r.preset, showlegend: r.id.endsWith(String(runs.find(q => q.preset === r.preset).id.split('-s').pop()))})), {margin: {t: 10}, xaxis: {title: {text: 'step'}}, yaxis: {title: {text: 'training loss'}}});
Plotly.newPlot('r1', presets.map(p => { const rs = runs.filter(r => r.preset === p && r.evals.length); return {type: 'box', name: p, y: rs.map(r => r.evals[r.evals.length - 1].i2t[1]), boxpoints: 'all', jitter: 0.3, pointpos: 0, marker: {color: colour(p)}, line: {color: colour(p)}}; }), {margin: {t: 10}, showlegend: false, yaxis: {title: {text: 'final R@1 image→text (per seed)'}}});
</script></body></html>`;
}

/** The results table and comparisons as markdown (for the README). */
export function renderMarkdown(result) {
  const rows = result.summary?.rows ?? [];
  const cols = Object.keys(rows[0] ?? {});
  const lines = [
    `Machine: ${result.machine}. ${result.date.slice(0, 10)}, ${(result.wallSeconds / 60).toFixed(0)} min.`,
    '',
    `| ${cols.join(' | ')} |`,
    `|${cols.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${cols.map((c) => r[c]).join(' | ')} |`),
    '',
    result.summary?.note ?? '',
    '',
    '| comparison | metric | Δ [95% CI] | p (one-sided) | Holm p | verdict (Holm) |',
    '|---|---|---|---|---|---|',
    ...(result.summary?.comparisons ?? []).map(comparisonCells).map((c) => `| ${c.pair} | ${c.metric} | ${c.delta} | ${c.p} | ${c.pHolm} | ${c.verdict} |`),
  ];
  const bm = paramsByModule(result);
  if (bm) lines.push('', BY_MODULE_NOTE, '', `| ${bm.cols.join(' | ')} |`, `|${bm.cols.map(() => '---').join('|')}|`, ...bm.rows.map((r) => `| ${r.join(' | ')} |`));
  return lines.join('\n');
}

/** Replace the README block between <!-- experiment:NAME:start --> and <!-- experiment:NAME:end -->, if present. */
export function updateReadme(name, md, pngPath) {
  const file = 'README.md';
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return;
  }
  const start = `<!-- experiment:${name}:start -->`;
  const end = `<!-- experiment:${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) return;
  const block = `${start}\n${md}\n\n![${name}](${pngPath})\n${end}`;
  writeFileSync(file, text.slice(0, i) + block + text.slice(j + end.length));
}
