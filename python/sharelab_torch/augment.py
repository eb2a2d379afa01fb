"""Seeded image augmentation, the twin of src/data/augment.ts bit for bit: a random resized crop resampled back to
S×S (bilinear, edge-clamped) and a horizontal flip only when no caption names left/right. The five draws come from
Rng(seed).fork(AUGMENT_STREAM).fork(step + 1).fork(slot + 1), so an image's augmentation depends only on (seed,
global step, slot in the global batch) — the same in the browser, here, resumed or not, for any number of ranks.
Only +, −, ×, ÷, sqrt and floor in float64 (no exp/log, whose last bit may differ between libms), rounded once to
float32 at the end: python/tests/test_augment.py checks equality with the TypeScript output."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .rng import Rng

AUGMENT_STREAM = 0x5A11
SIDE_WORD = re.compile(r"\b(left|right)", re.IGNORECASE)


@dataclass(frozen=True)
class AugmentOptions:
    min_scale: float = 0.6
    max_scale: float = 1.0
    min_ratio: float = 3 / 4
    max_ratio: float = 4 / 3
    flip: bool = True


DEFAULT_AUGMENT = AugmentOptions()


def names_side(captions: Sequence[str]) -> bool:
    return any(SIDE_WORD.search(c) for c in captions)


@dataclass(frozen=True)
class CropParams:
    x0: float
    y0: float
    w: float
    h: float
    flip: bool


def augment_params(seed: int, step: int, slot: int, S: int, flip_ok: bool, o: AugmentOptions = DEFAULT_AUGMENT) -> CropParams:
    rng = Rng(seed).fork(AUGMENT_STREAM).fork(step + 1).fork(slot + 1)
    area = o.min_scale + (o.max_scale - o.min_scale) * rng.next()
    ratio = o.min_ratio + (o.max_ratio - o.min_ratio) * rng.next()
    w = min(1.0, float(np.sqrt(area * ratio))) * S
    h = min(1.0, float(np.sqrt(area / ratio))) * S
    x0 = (S - w) * rng.next()
    y0 = (S - h) * rng.next()
    flip = rng.next() < 0.5 and o.flip and flip_ok
    return CropParams(x0, y0, w, h, flip)


def apply_crop(img: np.ndarray, p: CropParams) -> np.ndarray:
    """(C, S, S) float32 → (C, S, S) float32: output (u, v) reads source (x0 + (u' + ½)·w/S − ½, y0 + (v + ½)·h/S − ½),
    u' = S−1−u when flipped; the same expression order as applyCrop in TypeScript."""
    C, S, _ = img.shape
    src = img.astype(np.float64)
    u = np.arange(S, dtype=np.float64)
    uu = (S - 1 - u) if p.flip else u
    sx = np.minimum(np.maximum(p.x0 + ((uu + 0.5) * p.w) / S - 0.5, 0.0), S - 1)
    sy = np.minimum(np.maximum(p.y0 + ((u + 0.5) * p.h) / S - 0.5, 0.0), S - 1)
    xa = np.floor(sx).astype(np.int64)
    ya = np.floor(sy).astype(np.int64)
    xb = np.minimum(xa + 1, S - 1)
    yb = np.minimum(ya + 1, S - 1)
    fx = (sx - xa)[None, None, :]
    fy = (sy - ya)[None, :, None]
    A, B = src[:, ya][:, :, xa], src[:, ya][:, :, xb]
    Cc, D = src[:, yb][:, :, xa], src[:, yb][:, :, xb]
    top = A * (1 - fx) + B * fx
    bot = Cc * (1 - fx) + D * fx
    return (top * (1 - fy) + bot * fy).astype(np.float32)
