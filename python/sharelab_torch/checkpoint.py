"""Our checkpoint format both ways (src/train/checkpoint.ts, format "sharelab-clip/1"):
  tensors   <canonical name> (F32) for every arena view, optim.m.<name> / optim.v.<name> (AdamW moments, optional),
            buffers.<buffer name> (BatchNorm running stats, optional)
  metadata  format, config (JSON), tokenizer (JSON), step, seed, hyper (JSON, the browser's TrainHyper fields),
            aliases (JSON: tower-qualified name → canonical name)
A checkpoint written by the browser loads here without conversion, and one written here opens in the browser.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import numpy as np
import torch

from . import safetensors as st
from .config import with_defaults
from .model import ShareClip

FORMAT = "sharelab-clip/1"
BUFFER_PREFIX = "buffers."

#: The browser's DEFAULT_HYPER (src/train/hyper.ts), the field names the playground reads back.
DEFAULT_HYPER: dict[str, Any] = {
    "batchSize": 64,
    "steps": 600,
    "lr": 1e-3,
    "minLr": 1e-5,
    "warmup": 50,
    "weightDecay": 0.1,
    "beta1": 0.9,
    "beta2": 0.98,
    "eps": 1e-6,
    "gradClip": 1,
    "logEvery": 10,
    "evalEvery": 100,
    "checkpointEvery": 200,
    "lrMultShared": 1,
    "wdMultShared": 1,
    "lrMultSpecific": 1,
    "wdMultSpecific": 1,
    "lrMultNoDecay": 1,
    "wdMultNoDecay": 0,
    "lrMultVision": 1,
    "augment": 0,
    "keepBest": 0,
    "earlyStop": 0,
}


class CheckpointError(ValueError):
    pass


@dataclass
class Checkpoint:
    config: dict[str, Any]
    tokenizer: Any
    step: int
    seed: int
    hyper: dict[str, Any]
    aliases: dict[str, str]
    tensors: dict[str, np.ndarray] = field(repr=False)


def read(path: str | Path | bytes) -> Checkpoint:
    tensors, md = st.decode(path) if isinstance(path, (bytes, bytearray)) else st.load_file(path)
    if md.get("format") != FORMAT:
        raise CheckpointError(f'not a ShareLab checkpoint (format "{md.get("format", "missing")}")')

    def parse(k: str) -> Any:
        try:
            return json.loads(md.get(k, "null"))
        except json.JSONDecodeError:
            raise CheckpointError(f'metadata "{k}" is not valid JSON') from None

    try:
        step = int(md.get("step", ""))
    except ValueError:
        step = -1
    if step < 0:
        raise CheckpointError(f'bad step "{md.get("step")}"')
    seed_s = md.get("seed", "0")
    return Checkpoint(
        config=parse("config"),
        tokenizer=parse("tokenizer"),
        step=step,
        seed=int(float(seed_s)) if seed_s not in ("", "NaN") else 0,
        hyper=parse("hyper") or {},
        aliases=parse("aliases") or {},
        tensors=tensors,
    )


@torch.no_grad()
def load_into(model: ShareClip, ck: Checkpoint, optimizer: Optional[torch.optim.Optimizer] = None) -> None:
    """Parameters (and BN running stats when present; AdamW moments into `optimizer` when both exist)."""
    for v in model.layout.views:
        t = ck.tensors.get(v.name)
        if t is None:
            raise CheckpointError(f'missing tensor "{v.name}"')
        if tuple(t.shape) != v.shape:
            raise CheckpointError(f'tensor "{v.name}" has shape {list(t.shape)}; the config needs {list(v.shape)}')
        p = model.p(v.name)
        p.copy_(torch.from_numpy(np.asarray(t)).to(p.dtype))
    for n in model.buffer_names():
        t = ck.tensors.get(BUFFER_PREFIX + n)
        if t is not None:
            b = model.p(n)
            if t.size != b.numel():
                raise CheckpointError(f'buffer "{n}" has {t.size} values; the config needs {b.numel()}')
            b.copy_(torch.from_numpy(np.asarray(t)).reshape(b.shape).to(b.dtype))
    if optimizer is not None:
        for name, p in model.canonical_parameters():
            m, v = ck.tensors.get(f"optim.m.{name}"), ck.tensors.get(f"optim.v.{name}")
            if m is None or v is None:
                continue
            optimizer.state[p] = {
                "step": torch.tensor(float(ck.step)),
                "exp_avg": torch.from_numpy(m).to(p),
                "exp_avg_sq": torch.from_numpy(v).to(p),
            }


def load_model(path: str | Path, sync_bn: bool = False) -> tuple[ShareClip, Checkpoint]:
    ck = read(path)
    model = ShareClip(with_defaults(ck.config), sync_bn=sync_bn)
    load_into(model, ck)
    return model, ck


@torch.no_grad()
def state_tensors(model: ShareClip, optimizer: Optional[torch.optim.Optimizer] = None) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for name, p in model.canonical_parameters():
        out[name] = p.detach().float().cpu().numpy()
        st_ = optimizer.state.get(p) if optimizer is not None else None
        m = st_.get("exp_avg") if st_ else None
        v = st_.get("exp_avg_sq") if st_ else None
        out[f"optim.m.{name}"] = m.detach().float().cpu().numpy() if m is not None else np.zeros(p.shape, np.float32)
        out[f"optim.v.{name}"] = v.detach().float().cpu().numpy() if v is not None else np.zeros(p.shape, np.float32)
    for n in model.buffer_names():
        out[BUFFER_PREFIX + n] = model.p(n).detach().float().cpu().numpy()
    return out


def write(
    path: str | Path,
    model: ShareClip,
    *,
    tokenizer: Any,
    step: int,
    seed: int = 0,
    hyper: Optional[dict[str, Any]] = None,
    optimizer: Optional[torch.optim.Optimizer] = None,
) -> None:
    md = {
        "format": FORMAT,
        "config": json.dumps(model.cfg, separators=(",", ":")),
        "tokenizer": json.dumps(tokenizer, separators=(",", ":")),
        "step": str(int(step)),
        "seed": str(int(seed)),
        "hyper": json.dumps({**DEFAULT_HYPER, **(hyper or {})}, separators=(",", ":")),
        "aliases": json.dumps(model.layout.aliases(), separators=(",", ":")),
    }
    st.save_file(path, state_tensors(model, optimizer), md)
