"""AdamW and the learning-rate schedule as the browser runs them (src/kernels/optimizer.ts, src/train/hyper.ts).

* Weight decay only on the views the layout marks `decay` (matrices and conv kernels); never on gains, biases,
  embeddings, positions, the CLS token, logit scale/bias.
* update: x ← x − lr·(m̂/(√v̂ + eps) + wd·x) — torch's AdamW is the same decoupled form.
* gradient clipping: scale = min(1, maxNorm/(‖g‖ + 1e-6)) over all gradients (torch's clip_grad_norm_); a step whose
  gradient norm is not finite is skipped (parameters, moments and BatchNorm running stats untouched).
* lrAt(step), step 1-based: linear warmup lr·step/warmup, then cosine from lr to minLr at `total`.
"""

from __future__ import annotations

import math
from typing import Any

import torch

from .model import ShareClip


def lr_at(step: int, lr: float, warmup: int, total: int, min_lr: float = 0.0) -> float:
    if step < warmup:
        return lr * max(0, step) / warmup
    if step >= total:
        return lr if step == warmup else min_lr
    progress = (step - warmup) / (total - warmup)
    return min_lr + 0.5 * (lr - min_lr) * (1 + math.cos(math.pi * progress))


def param_groups(model: ShareClip, weight_decay: float) -> list[dict[str, Any]]:
    decay, no_decay = [], []
    for v in model.layout.views:
        (decay if v.decay else no_decay).append(model.p(v.name))
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def make_optimizer(model: ShareClip, hyper: dict[str, Any]) -> torch.optim.AdamW:
    return torch.optim.AdamW(
        param_groups(model, hyper["weightDecay"]),
        lr=hyper["lr"],
        betas=(hyper["beta1"], hyper["beta2"]),
        eps=hyper["eps"],
    )
