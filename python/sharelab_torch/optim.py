"""AdamW and the learning-rate schedule as the browser runs them (src/kernels/optimizer.ts, src/train/hyper.ts).

* Three groups (+ two for a teacher run's vision tower, which the twin cannot build; src/kernels/optimizer.ts OPTIM_GROUPS, src/gpu/arena.ts groupBlocks): no-decay (views the layout
  does not mark `decay`: gains, biases, embeddings, positions, CLS, logit scale/bias — shared or not), specific
  (decaying, one name), shared (decaying, aliased by both towers). Group g steps with lr·lrMult_g and decays with
  weightDecay·wdMult_g (hyper lrMultNoDecay / wdMultNoDecay, …Specific, …Shared; defaults 1,1,1 and 0,1,1).
* InfoNCE: the logit scale is clamped into [0, ln 100] after every step (open_clip; clamp_logit_scale).
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


#: the last two are a teacher run's vision tower (arena.ts ParamSpec.visionTower); the twin has no teacher mode
#: (layout.build_layout refuses one), so they stay empty here and lrMultVision ≠ 1 is refused by experiment.py.
OPTIM_GROUPS = ("noDecay", "specific", "shared", "visionNoDecay", "visionSpecific")
_MULT_DEFAULTS = {"lrMultNoDecay": 1.0, "wdMultNoDecay": 0.0, "lrMultSpecific": 1.0, "wdMultSpecific": 1.0, "lrMultShared": 1.0, "wdMultShared": 1.0, "lrMultVision": 1.0}


def group_of(view: Any) -> str:
    """The optimiser group of a layout view (arena.ts groupBlocks: aliased = shared; a teacher run's vision tower apart)."""
    base = "shared" if view.decay and len(view.names) > 1 else "specific" if view.decay else "noDecay"
    if getattr(view, "vision_tower", False):
        return "visionSpecific" if view.decay else "visionNoDecay"
    return base


def group_mults(hyper: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """{group: (lr multiplier, weight-decay multiplier)} (hyper.ts groupMults); missing fields take the defaults.
    The vision groups step at their base group's lr × lrMultVision and decay as it."""
    h = {**_MULT_DEFAULTS, **{k: v for k, v in hyper.items() if k in _MULT_DEFAULTS}}
    cap = {"noDecay": "NoDecay", "specific": "Specific", "shared": "Shared"}
    out = {g: (float(h[f"lrMult{cap[g]}"]), float(h[f"wdMult{cap[g]}"])) for g in cap}
    vision = float(h["lrMultVision"])
    out["visionNoDecay"] = (out["noDecay"][0] * vision, out["noDecay"][1])
    out["visionSpecific"] = (out["specific"][0] * vision, out["specific"][1])
    return out


def param_groups(model: ShareClip, hyper: dict[str, Any]) -> list[dict[str, Any]]:
    """One torch param group per optimiser group (empty groups dropped); `lr_mult` scales the scheduled lr."""
    mults = group_mults(hyper)
    members: dict[str, list[torch.Tensor]] = {g: [] for g in OPTIM_GROUPS}
    for v in model.layout.views:
        members[group_of(v)].append(model.p(v.name))
    return [
        {"params": members[g], "weight_decay": hyper["weightDecay"] * mults[g][1], "lr_mult": mults[g][0], "group": g}
        for g in OPTIM_GROUPS
        if members[g]
    ]


def set_lr(optimizer: torch.optim.Optimizer, lr: float) -> None:
    """The scheduled lr into every group, times its multiplier."""
    for g in optimizer.param_groups:
        g["lr"] = lr * g.get("lr_mult", 1.0)


LN100 = math.log(100)


@torch.no_grad()
def clamp_logit_scale(model: ShareClip) -> None:
    """open_clip's clamp after the optimizer step (InfoNCE only): t ∈ [0, ln 100] keeps the loss's
    exp(min(t, ln 100)) from cutting t's gradient for good (params.ts logitScaleClamp)."""
    if model.cfg["loss"] == "infonce":
        model.p("logit_scale").clamp_(0.0, LN100)


def make_optimizer(model: ShareClip, hyper: dict[str, Any]) -> torch.optim.AdamW:
    return torch.optim.AdamW(
        param_groups(model, hyper),
        lr=hyper["lr"],
        betas=(hyper["beta1"], hyper["beta2"]),
        eps=hyper["eps"],
    )
