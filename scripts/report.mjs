// Self-contained HTML report of an experiment result (plotly inlined, no network).

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

export function renderReport(result, plotlySource) {
  const rows = result.summary?.rows ?? [];
  const comps = result.summary?.comparisons ?? [];
  const table = `<table><thead><tr>${Object.keys(rows[0] ?? {}).map((k) => `<th>${esc(k)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${Object.values(r).map((v) => `<td>${esc(v)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
  const data = JSON.stringify(result.runs.map((r) => ({ id: r.id, preset: r.preset, curve: r.curve, evals: r.evals })));
  return `<!doctype html><html><head><meta charset="utf-8"><title>ShareLab — ${esc(result.experiment.name)}</title>
<style>body{font-family:system-ui,sans-serif;margin:20px;max-width:1200px}table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:3px 8px;text-align:right}th:first-child,td:first-child{text-align:left}.plot{height:380px}</style>
<script>${plotlySource}</script></head><body>
<h1>ShareLab experiment: ${esc(result.experiment.name)}</h1>
<p>${esc(result.experiment.description ?? '')}</p>
<p>Machine: ${esc(result.machine)}. Date ${esc(result.date)}. Wall time ${result.wallSeconds.toFixed(0)} s.</p>
<h2>Results</h2><p>${esc(result.summary?.note ?? '')}</p>${table}
<h2>Each preset vs ${esc(result.experiment.presets[0])}</h2><ul>${comps.map((c) => `<li>${esc(c.a)} vs ${esc(c.b)}, ${esc(c.metric)}: Δ = ${c.diff.toFixed(3)} [${c.ci[0].toFixed(3)}, ${c.ci[1].toFixed(3)}], p = ${c.p.toFixed(3)} — ${esc(c.verdict)}</li>`).join('')}</ul>
<h2>Training loss</h2><div id="loss" class="plot"></div>
<h2>Validation R@1 (image→text)</h2><div id="r1" class="plot"></div>
<script>
const runs = ${data};
const presets = [...new Set(runs.map(r => r.preset))];
const colour = p => ['#3a5bd9','#d9534f','#2ca02c','#ff7f0e','#9467bd','#8c564b','#e377c2','#17becf','#7f7f7f'][presets.indexOf(p) % 9];
Plotly.newPlot('loss', runs.map(r => ({x: r.curve.map(c => c.step), y: r.curve.map(c => c.loss), name: r.id, line: {color: colour(r.preset), width: 1}, legendgroup: r.preset})), {xaxis:{title:'step'}, yaxis:{title:'loss'}});
Plotly.newPlot('r1', runs.map(r => ({x: r.evals.map(e => e.step), y: r.evals.map(e => e.i2t[1]), name: r.id, mode: 'lines+markers', line: {color: colour(r.preset)}, legendgroup: r.preset})), {xaxis:{title:'step'}, yaxis:{title:'R@1 i2t'}});
</script></body></html>`;
}
