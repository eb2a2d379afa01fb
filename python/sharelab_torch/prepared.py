"""A dataset prepared by the TypeScript side (src/experiment/torch-data.ts) for `npm run experiment -- X --engine torch`:
the browser worker's own tensors (normalised images, tokenised captions, validation split, zero-shot prompts) in one
data.safetensors, so both engines train and evaluate on identical inputs. Only the sample order is computed here,
with the ported Batcher (data.Sampler) over the training pool.

Tensors: train.images (N, 3, S, S) float32, or train.pixels uint8 with metadata pixelMean/pixelStd, in pool order; train.ids (rows, T), train.eot, train.lengths (rows); train.capStart,
train.capCount (N); val.images (Ni, 3, S, S); val.ids/eot/lengths (Nc); zs.ids/eot/lengths (P) when the set has classes.
Metadata: format, tokenizer (JSON), contextLength.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np
import torch

from . import safetensors as st

FORMAT = "sharelab-torch-data/1"


class PreparedData:
    def __init__(self, path: str | Path) -> None:
        p = Path(path)
        tensors, meta = st.load_file(p / "data.safetensors" if p.is_dir() else p)
        if meta.get("format") != FORMAT:
            raise ValueError(f"{path}: not a {FORMAT} file (format {meta.get('format')!r})")
        self.tokenizer = json.loads(meta["tokenizer"])
        self.context_length = int(meta["contextLength"])
        if "train.pixels" in tensors:  # uint8 → exactly generate.ts's floats: float64 (q / 255 − m) / s, rounded to float32
            q = tensors.pop("train.pixels").astype(np.float64)
            m, s = (np.array(json.loads(meta[k]), np.float64).reshape(1, 3, 1, 1) for k in ("pixelMean", "pixelStd"))
            tensors["train.images"] = ((q / 255 - m) / s).astype(np.float32)
        t = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in tensors.items()}
        self.t = t
        self.cap_start = t["train.capStart"].long()
        self.caption_counts: list[int] = t["train.capCount"].tolist()

    def to(self, device: torch.device) -> "PreparedData":
        """Keep every tensor on the training device (the default set is 57 MB): a batch is then one gather."""
        self.t = {k: v.to(device) for k, v in self.t.items()}
        self.cap_start = self.cap_start.to(device)
        return self

    def batch(self, pairs: Sequence[tuple[int, int]]) -> tuple[torch.Tensor, ...]:
        """(pool position, caption index) pairs (Sampler.batch) → images (B, 3, S, S), ids (B, T), eot, lengths."""
        dev = self.cap_start.device
        pos = torch.tensor([p for p, _ in pairs], dtype=torch.long, device=dev)
        rows = self.cap_start[pos] + torch.tensor([c for _, c in pairs], dtype=torch.long, device=dev)
        t = self.t
        return t["train.images"][pos], t["train.ids"][rows], t["train.eot"][rows].long(), t["train.lengths"][rows].long()

    def batches(self, plan: Iterable[list[tuple[int, int]]]) -> Iterator[tuple[torch.Tensor, ...]]:
        for pairs in plan:
            yield self.batch(pairs)

    @torch.no_grad()
    def embeddings(self, model, dtype: torch.dtype, chunk: int = 256, amp=None) -> dict[str, np.ndarray]:
        """Inference-mode (running BatchNorm statistics) embeddings of the val images, val captions and zero-shot
        prompts, float32 (what src/train/evaluate.ts computes its metrics from)."""
        was = model.training
        model.eval()
        dev = next(model.parameters()).device
        out: dict[str, np.ndarray] = {}

        def run(fn, *xs: torch.Tensor) -> np.ndarray:
            parts = []
            for lo in range(0, xs[0].shape[0], chunk):
                with torch.autocast(device_type="cuda", dtype=amp, enabled=amp is not None):
                    parts.append(fn(*(x[lo : lo + chunk].to(dev) for x in xs)).float().cpu())
            return torch.cat(parts).numpy()

        t = self.t
        out["img"] = run(model.encode_image, t["val.images"].to(dtype))
        out["txt"] = run(model.encode_text, t["val.ids"], t["val.eot"], t["val.lengths"])
        if "zs.ids" in t:
            out["prompts"] = run(model.encode_text, t["zs.ids"], t["zs.eot"], t["zs.lengths"])
        model.train(was)
        return out

    def write_eval(self, path: Path, model, dtype: torch.dtype, step: int, amp=None) -> None:
        """Metadata: step, logitScale = exp(logit_scale), and the raw loss parameters logitScaleParam, logitBias
        (SigLIP) that the val loss is computed with (src/train/val-loss.ts)."""
        t = float(model.p("logit_scale").detach().reshape(-1)[0])
        b = float(model.p("logit_bias").detach().reshape(-1)[0]) if model.cfg["loss"] == "siglip" else 0.0
        meta = {"step": str(step), "logitScale": repr(math.exp(t)), "logitScaleParam": repr(t), "logitBias": repr(b)}
        st.save_file(path, self.embeddings(model, dtype, amp=amp), meta)
