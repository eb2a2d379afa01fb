// Per-preset summary rows (mean ± 95% t-interval over seeds) for reports and the README table.
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];

function meanCi(xs) {
  const v = xs.filter((x) => Number.isFinite(x));
  if (v.length === 0) return '–';
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  if (v.length === 1) return m.toFixed(3);
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
  const t = T975[Math.min(v.length - 2, T975.length - 1)];
  return `${m.toFixed(3)} ± ${((t * sd) / Math.sqrt(v.length)).toFixed(3)}`;
}

export function summarize(runs) {
  const presets = [...new Set(runs.map((r) => r.preset))];
  return presets.map((p) => {
    const rs = runs.filter((r) => r.preset === p && r.final);
    const f = (g) => meanCi(rs.map((r) => g(r.final)));
    return {
      preset: p,
      seeds: rs.length,
      params: rs[0]?.params ? `${(rs[0].params.total / 1000).toFixed(1)}k (${(rs[0].params.shared / 1000).toFixed(1)}k shared)` : '–',
      'val loss': f((m) => m.valLoss),
      'R@1 i2t': f((m) => m.i2t[1]),
      'R@1 t2i': f((m) => m.t2i[1]),
      'R@10 i2t': f((m) => m.i2t[10]),
      'zero-shot': f((m) => m.zeroShot),
      'zero-shot held-out': f((m) => m.zeroShotHeldOut),
      'modality gap': f((m) => m.modalityGap),
      alignment: f((m) => m.alignment),
      uniformity: f((m) => m.uniformity),
    };
  });
}
