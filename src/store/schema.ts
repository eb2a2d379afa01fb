// A tiny strict validator for untrusted experiment JSON (URL hash, imported files): plain objects only,
// no unknown or prototype-polluting keys, numbers finite and in range. Missing keys are allowed (the
// caller overlays the value on defaults); arrays are taken whole.

export type Schema =
  | { kind: 'int' | 'num'; min: number; max: number }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'bool' }
  | { kind: 'str'; pattern: RegExp; what: string }
  | { kind: 'obj'; fields: Record<string, Schema> }
  | { kind: 'arr'; of: Schema; max: number };

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);

/** The first problem found as "path: message", or null when `v` fits the schema. */
export function checkSchema(s: Schema, v: unknown, path = 'experiment'): string | null {
  switch (s.kind) {
    case 'int':
    case 'num': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return `${path}: expected a number, got ${typeName(v)}`;
      if (s.kind === 'int' && !Number.isInteger(v)) return `${path}: expected an integer, got ${v}`;
      if (v < s.min || v > s.max) return `${path}: must be between ${s.min} and ${s.max}, got ${v}`;
      return null;
    }
    case 'enum':
      if (typeof v !== 'string') return `${path}: expected one of ${s.values.join(', ')}, got ${typeName(v)}`;
      return s.values.includes(v) ? null : `${path}: unknown value "${v.slice(0, 40)}" (expected one of ${s.values.join(', ')})`;
    case 'bool':
      return typeof v === 'boolean' ? null : `${path}: expected true or false, got ${typeName(v)}`;
    case 'str':
      if (typeof v !== 'string') return `${path}: expected ${s.what}, got ${typeName(v)}`;
      return v.length <= 1000 && s.pattern.test(v) ? null : `${path}: expected ${s.what}, got "${v.slice(0, 40)}"`;
    case 'arr': {
      if (!Array.isArray(v)) return `${path}: expected a list, got ${typeName(v)}`;
      if (v.length > s.max) return `${path}: at most ${s.max} entries, got ${v.length}`;
      for (let i = 0; i < v.length; i++) {
        const e = checkSchema(s.of, v[i], `${path}[${i}]`);
        if (e) return e;
      }
      return null;
    }
    case 'obj': {
      if (typeof v !== 'object' || v === null || Array.isArray(v) || Object.getPrototypeOf(v) !== Object.prototype) {
        return `${path}: expected an object, got ${typeName(v)}`;
      }
      for (const key of Object.keys(v)) {
        if (FORBIDDEN.has(key)) return `${path}: forbidden key "${key}"`;
        if (!Object.hasOwn(s.fields, key)) return `${path}: unknown key "${key.slice(0, 40)}" (allowed: ${Object.keys(s.fields).join(', ')})`;
        const e = checkSchema(s.fields[key], (v as Record<string, unknown>)[key], `${path}.${key}`);
        if (e) return e;
      }
      return null;
    }
  }
}

/** Overlay a schema-checked partial value on a base (plain objects merge, everything else replaces). */
export function overlay<T>(base: T, patch: unknown): T {
  if (patch === undefined) return base;
  if (base && typeof base === 'object' && !Array.isArray(base) && patch && typeof patch === 'object' && !Array.isArray(patch)) {
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const k of Object.keys(patch)) {
      if (FORBIDDEN.has(k)) continue;
      out[k] = overlay((base as Record<string, unknown>)[k], (patch as Record<string, unknown>)[k]);
    }
    return out as T;
  }
  return structuredClone(patch) as T;
}
