"""The browser's seeded generator (src/util/rng.ts, mulberry32 + Box–Muller) bit for bit, so a seed means the
same initial weights and the same data order in PyTorch as in the playground."""

from __future__ import annotations

import math

import numpy as np

from .layout import Layout

M32 = 0xFFFFFFFF


def _imul(a: int, b: int) -> int:
    """Math.imul: the low 32 bits of the product, as an unsigned value."""
    return ((a & M32) * (b & M32)) & M32


def _to_uint32(x: float | int) -> int:
    """ECMAScript ToUint32 of a finite number."""
    if isinstance(x, float):
        if not math.isfinite(x):
            return 0
        x = int(x)  # truncation toward zero
    return x & M32


class Rng:
    def __init__(self, seed: int | float) -> None:
        s = _to_uint32(seed)
        self.s = s or 0x9E3779B9
        self.spare: float | None = None

    def next(self) -> float:
        """Uniform in [0, 1)."""
        self.s = (self.s + 0x6D2B79F5) & M32
        t = self.s
        t = _imul(t ^ (t >> 15), t | 1)
        t ^= (t + _imul(t ^ (t >> 7), t | 61)) & M32
        return ((t ^ (t >> 14)) & M32) / 4294967296

    def int(self, n: int) -> int:
        return math.floor(self.next() * n)

    def normal(self) -> float:
        if self.spare is not None:
            v, self.spare = self.spare, None
            return v
        u = 0.0
        while u == 0:
            u = self.next()
        v = self.next()
        r = math.sqrt(-2 * math.log(u))
        self.spare = r * math.sin(2 * math.pi * v)
        return r * math.cos(2 * math.pi * v)

    def shuffle(self, a: list) -> list:
        for i in range(len(a) - 1, 0, -1):
            j = self.int(i + 1)
            a[i], a[j] = a[j], a[i]
        return a

    def fork(self, stream: int) -> "Rng":
        # JS: Math.imul(this.s ^ (stream * 0x85ebca6b), 0xc2b2ae35) ^ stream, where the product is a double.
        prod = _to_uint32(float(stream) * 0x85EBCA6B)
        return Rng(_imul(self.s ^ prod, 0xC2B2AE35) ^ (stream & M32))


def _uniforms(s0: int, n: int) -> np.ndarray:
    """The next n values of an Rng whose state is s0, vectorised (mulberry32 is a hash of a counter)."""
    k = np.arange(1, n + 1, dtype=np.uint64)
    t = ((np.uint64(s0) + k * np.uint64(0x6D2B79F5)) & np.uint64(M32)).astype(np.uint32)
    with np.errstate(over="ignore"):
        t = (t ^ (t >> np.uint32(15))) * (t | np.uint32(1))
        t ^= t + (t ^ (t >> np.uint32(7))) * (t | np.uint32(61))
        t = t ^ (t >> np.uint32(14))
    return t.astype(np.float64) / 4294967296.0


def initial_values(layout: Layout, seed: int) -> dict[str, np.ndarray]:
    """createModel's initial parameters (src/model/instance.ts: Rng(seed).fork(11), views in arena order) as float32
    arrays by canonical name. Vectorised: the normals of all views are one Box–Muller stream (the spare of an odd
    view feeds the next view, as in the browser)."""
    rng = Rng(seed).fork(11)
    views = [v for v in layout.views]
    if any(v.init[0] not in ("const", "normal") for v in views):
        return _initial_values_scalar(layout, rng)
    total = sum(v.size for v in views if v.init[0] == "normal")
    pairs = (total + 1) // 2
    u = _uniforms(rng.s, 2 * pairs)
    a, b = u[0::2], u[1::2]
    if np.any(a == 0):  # the browser redraws u = 0 (probability 2^-32 per pair): take the exact scalar path
        return _initial_values_scalar(layout, Rng(seed).fork(11))
    r = np.sqrt(-2 * np.log(a))
    normals = np.empty(2 * pairs)
    normals[0::2] = r * np.cos(2 * np.pi * b)
    normals[1::2] = r * np.sin(2 * np.pi * b)
    out: dict[str, np.ndarray] = {}
    o = 0
    for v in views:
        kind, val = v.init
        if kind == "const":
            out[v.name] = np.full(v.shape, val, dtype=np.float32)
        else:
            out[v.name] = (normals[o : o + v.size] * val).astype(np.float32).reshape(v.shape)
            o += v.size
    return out


def _initial_values_scalar(layout: Layout, rng: Rng) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for v in layout.views:
        kind, val = v.init
        if kind == "const":
            a = np.full(v.size, val, dtype=np.float32)
        elif kind == "normal":
            a = np.array([rng.normal() * val for _ in range(v.size)], dtype=np.float32)
        else:
            a = np.array([(2 * rng.next() - 1) * val for _ in range(v.size)], dtype=np.float32)
        out[v.name] = a.reshape(v.shape)
    return out
