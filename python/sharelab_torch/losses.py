"""The two contrastive losses exactly as src/kernels/infonce.ts and siglip.ts define them (METHODS.md), plus their
data-parallel forms.

InfoNCE: s = exp(min(t, ln 100)),  l_ij = s·img_i·txt_j,
         L = (1/2B) Σ_i [lse_j(l_ij) − l_ii] + [lse_j(l_ji) − l_ii]       (no gradient reaches t above the clamp)
SigLIP:  L = −(1/B) Σ_i Σ_j log σ(z_ij (exp(t)·img_i·txt_j + b)),  z_ij = +1 on the diagonal, −1 elsewhere

Across R ranks (open_clip's gather_with_grad + local_loss): every rank all-gathers both embeddings WITH gradients
and computes the loss terms of its own rows (images and captions) against the whole global batch, normalised by its
local batch size. The mean over ranks of the rank losses is then exactly the global-batch loss, and since the
gather's backward sums over ranks and DDP averages, every parameter gradient equals the 1-process gradient of the
same global batch (tests/test_ddp.py checks it).
"""

from __future__ import annotations

import math
from typing import Optional

import torch
import torch.distributed as dist
import torch.nn.functional as F

LN100 = math.log(100)


class _GatherWithGrad(torch.autograd.Function):
    """all_gather along dim 0 (equal local sizes); backward: sum the gathered gradient over ranks, keep our slice."""

    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        ctx.rank, ctx.n = dist.get_rank(), x.shape[0]
        out = [torch.empty_like(x) for _ in range(dist.get_world_size())]
        dist.all_gather(out, x.contiguous())
        return torch.cat(out, dim=0)

    @staticmethod
    def backward(ctx, g: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        g = g.contiguous().clone()
        dist.all_reduce(g)
        return g[ctx.rank * ctx.n : (ctx.rank + 1) * ctx.n]


def gather_with_grad(x: torch.Tensor) -> torch.Tensor:
    return _GatherWithGrad.apply(x)


def infonce(img: torch.Tensor, txt: torch.Tensor, logit_scale: torch.Tensor, offset: int = 0, txt_all: Optional[torch.Tensor] = None, img_all: Optional[torch.Tensor] = None) -> torch.Tensor:
    """Symmetric InfoNCE. With img_all/txt_all (the global batch) the local rows img/txt sit at global positions
    offset…offset+b−1 and the result is normalised by the local b; without them, the plain (B, B) loss."""
    s = logit_scale.clamp(max=LN100).exp()
    txt_all = txt if txt_all is None else txt_all
    img_all = img if img_all is None else img_all
    b = img.shape[0]
    labels = torch.arange(offset, offset + b, device=img.device)
    rows = F.cross_entropy(s * img @ txt_all.t(), labels, reduction="sum")  # image i → every caption
    cols = F.cross_entropy(s * txt @ img_all.t(), labels, reduction="sum")  # caption i → every image
    return (rows + cols) / (2 * b)


def siglip(img: torch.Tensor, txt: torch.Tensor, logit_scale: torch.Tensor, logit_bias: torch.Tensor, offset: int = 0, txt_all: Optional[torch.Tensor] = None) -> torch.Tensor:
    """Sigmoid loss of the local images against every caption of the (global) batch, normalised by the local b."""
    txt_all = txt if txt_all is None else txt_all
    b, n = img.shape[0], txt_all.shape[0]
    logits = logit_scale.exp() * img @ txt_all.t() + logit_bias
    z = -torch.ones(b, n, dtype=img.dtype, device=img.device)
    z[torch.arange(b), torch.arange(offset, offset + b)] = 1
    return -F.logsigmoid(z * logits).sum() / b


def clip_loss(kind: str, img: torch.Tensor, txt: torch.Tensor, logit_scale: torch.Tensor, logit_bias: Optional[torch.Tensor] = None) -> torch.Tensor:
    """The loss of this process's batch; under torch.distributed (world > 1) the rank-local share of the global-batch
    loss described in the module docstring (mean over ranks = global loss)."""
    if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
        img_all, txt_all = gather_with_grad(img), gather_with_grad(txt)
        offset = dist.get_rank() * img.shape[0]
    else:
        img_all, txt_all, offset = None, None, 0
    if kind == "siglip":
        if logit_bias is None:
            raise ValueError("siglip needs logit_bias")
        return siglip(img, txt, logit_scale, logit_bias, offset, txt_all)
    if kind == "infonce":
        return infonce(img, txt, logit_scale, offset, txt_all, img_all)
    raise ValueError(f'unknown loss "{kind}"')
