// Software rasteriser for the built-in dataset: inside-tests per shape, anti-aliased by supersampling
// (ss × ss samples per pixel, box filter). Only +, −, ×, ÷, comparisons and Math.floor/round
// are used — no Math.sin/cos, whose last bits differ between JS engines — so the same scene gives
// bit-identical pixels in Node and in every browser. No canvas, no DOM.

import type { ObjectAttrs, SceneAttrs, Shape } from './attributes';

const HALF_PI = Math.PI / 2;

/**
 * sin and cos from Taylor polynomials after reduction to |r| ≤ π/4 (error < 1e-16 there). Exact IEEE
 * arithmetic only, so results are identical across engines (unlike Math.sin).
 */
export function sinCos(theta: number): [number, number] {
  const k = Math.round(theta / HALF_PI);
  const r = theta - k * HALF_PI;
  const r2 = r * r;
  // Horner forms of sin r = Σ (−1)^i r^(2i+1)/(2i+1)!, i ≤ 7, and cos r = Σ (−1)^i r^(2i)/(2i)!, i ≤ 8.
  let s = 0;
  for (let i = 7; i >= 0; i--) s = s * r2 + (i % 2 === 0 ? 1 : -1) / factorial(2 * i + 1);
  s *= r;
  let c = 0;
  for (let i = 8; i >= 0; i--) c = c * r2 + (i % 2 === 0 ? 1 : -1) / factorial(2 * i);
  switch (((k % 4) + 4) % 4) {
    case 0:
      return [s, c];
    case 1:
      return [c, -s];
    case 2:
      return [-s, -c];
    default:
      return [-c, s];
  }
}

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

/** Polygons in unit local coordinates (u right, v down), vertices as flat [u0, v0, u1, v1, …]. */
const TRIANGLE = [0, -1, 1, 0.75, -1, 0.75];
const DIAMOND = [0, -1, 0.75, 0, 0, 1, -0.75, 0];
const STAR = (() => {
  const pts: number[] = [];
  for (let k = 0; k < 10; k++) {
    const rad = k % 2 === 0 ? 1 : 0.45;
    const [s, c] = sinCos((k * Math.PI) / 5);
    pts.push(rad * s, -rad * c); // k = 0 is the top tip
  }
  return pts;
})();

/** Even–odd crossing test; works for the non-convex star too. */
function inPolygon(p: readonly number[], u: number, v: number): boolean {
  let inside = false;
  const n = p.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const ui = p[2 * i];
    const vi = p[2 * i + 1];
    const uj = p[2 * j];
    const vj = p[2 * j + 1];
    if (vi > v !== vj > v && u < ((uj - ui) * (v - vi)) / (vj - vi) + ui) inside = !inside;
  }
  return inside;
}

/** Is the local point (u, v) inside the shape? Shapes fit in about [−1, 1]² (v points down). */
export function insideShape(shape: Shape, u: number, v: number): boolean {
  switch (shape) {
    case 'circle':
      return u * u + v * v <= 1;
    case 'ring': {
      const d = u * u + v * v;
      return d <= 1 && d >= 0.3;
    }
    case 'square':
      return Math.abs(u) <= 0.8 && Math.abs(v) <= 0.8;
    case 'diamond':
      return inPolygon(DIAMOND, u, v);
    case 'triangle':
      return inPolygon(TRIANGLE, u, v);
    case 'star':
      return inPolygon(STAR, u, v);
    case 'cross': {
      const au = Math.abs(u);
      const av = Math.abs(v);
      return (au <= 0.3 && av <= 0.95) || (av <= 0.3 && au <= 0.95);
    }
    case 'heart': {
      // (x² + y² − 1)³ − x²y³ ≤ 0 with y up; spans x ∈ ±1.14, y ∈ [−1, 1.24] → about ±0.95 locally.
      const x = u * 1.2;
      const y = 0.12 - v * 1.2;
      const q = x * x + y * y - 1;
      return q * q * q - x * x * y * y * y <= 0;
    }
  }
}

/** Fraction of the ss × ss sub-samples of pixel (px, py) that fall inside the object. */
function coverage(o: ObjectAttrs, cosA: number, sinA: number, px: number, py: number, size: number, ss: number): number {
  let hits = 0;
  const inv = 1 / (o.radius * size);
  for (let sy = 0; sy < ss; sy++) {
    const dy = (py + (sy + 0.5) / ss - o.cy * size) * inv;
    for (let sx = 0; sx < ss; sx++) {
      const dx = (px + (sx + 0.5) / ss - o.cx * size) * inv;
      // Rotate the sample by −angle into the shape's own frame.
      const u = cosA * dx + sinA * dy;
      const v = -sinA * dx + cosA * dy;
      if (insideShape(o.shape, u, v)) hits++;
    }
  }
  return hits / (ss * ss);
}

/**
 * Draw a scene into planar (3, size, size) RGB in [0, 1] (float64): background, then each object in
 * order, blended by its coverage. ss = supersampling per axis (4 → 16 samples per pixel).
 */
export function renderScene(scene: SceneAttrs, size: number, ss = 4): Float64Array {
  const hw = size * size;
  const out = new Float64Array(3 * hw);
  for (let c = 0; c < 3; c++) out.fill(scene.background[c], c * hw, (c + 1) * hw);
  for (const o of scene.objects) {
    const [sinA, cosA] = sinCos(o.angle);
    // Every shape lies within 1.3 radii of its centre (triangle corners at 1.25).
    const ext = 1.3 * o.radius * size;
    const x0 = Math.max(0, Math.floor(o.cx * size - ext));
    const x1 = Math.min(size - 1, Math.floor(o.cx * size + ext));
    const y0 = Math.max(0, Math.floor(o.cy * size - ext));
    const y1 = Math.min(size - 1, Math.floor(o.cy * size + ext));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const a = coverage(o, cosA, sinA, x, y, size, ss);
        if (a === 0) continue;
        const p = y * size + x;
        for (let c = 0; c < 3; c++) out[c * hw + p] = out[c * hw + p] * (1 - a) + o.rgb[c] * a;
      }
    }
  }
  return out;
}
