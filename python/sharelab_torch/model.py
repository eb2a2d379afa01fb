"""The ShareLab CLIP in PyTorch: the same architecture from the same JSON config as the browser.

Mirrors src/model/clip.ts, block.ts, stem.ts, branch.ts and the float64 reference src/model/reference.ts:
  vision: patches → linear (or MS-CLIP's conv stem) → [CLS; patches] + pos → ln_pre → (parallel-branch fusions)
          blocks → pool (CLS or mean over all tokens) → ln_final → proj → L2-normalise
  text:   tokens + pos → blocks (causal + padding mask) → pool at EOT → ln_final → proj → L2-normalise
  block:  x + attn(ln1(x)), then + mlp(ln2(x)); tanh-GELU; LayerNorm and BatchNorm eps 1e-5.

Parameters carry our arena names as their module paths (``vision.blocks.0.attn.qkv.w``), so a state_dict key IS
the browser's tower-qualified name. A shared weight is ONE nn.Parameter registered under both towers' names:
both towers read it and autograd sums both gradients into it, as the browser's `+=` into one arena view does.
BatchNorm running statistics are buffers named like the browser's model buffers
(``vision.stem.bn0.running_mean``).
"""

from __future__ import annotations

import math
from typing import Any, Callable, Optional

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn

from .config import batch_norms, branch_plan, stem_plan, uses_conv_stem, uses_parallel_branch, with_defaults
from .layout import Layout, build_layout

LN_EPS = 1e-5
BN_EPS = 1e-5
BN_MOMENTUM = 0.1
LN100 = math.log(100)


class _Node(nn.Module):
    """A plain container: parameters, buffers and children are attached by name while the tree is built."""


class _AllReduceSum(torch.autograd.Function):
    """Sum over ranks whose backward is again a sum over ranks (every rank's loss depends on the total)."""

    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        y = x.clone()
        dist.all_reduce(y)
        return y

    @staticmethod
    def backward(ctx, g: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        g = g.clone()
        dist.all_reduce(g)
        return g


def distributed() -> bool:
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


class ShareClip(nn.Module):
    """``ShareClip(cfg)`` with cfg a (partial) config dict in the TypeScript shape; see config.py."""

    def __init__(self, cfg: dict[str, Any], sync_bn: bool = False) -> None:
        super().__init__()
        self.cfg = with_defaults(cfg)
        self.layout: Layout = build_layout(self.cfg)
        #: Global-batch BatchNorm statistics across DDP ranks (exact 1-process equivalence); else per-rank stats.
        self.sync_bn = sync_bn
        self._where: dict[str, tuple[nn.Module, str]] = {}
        #: Called with (block prefix, attention probabilities (B, H, T, T)) for analysis, like the browser's Tap.
        self.attention_tap: Optional[Callable[[str, torch.Tensor], None]] = None
        for v in self.layout.views:
            p = nn.Parameter(torch.zeros(v.shape))
            for name in v.names:
                parent, leaf = self._node(name)
                parent.register_parameter(leaf, p)  # aliases: the SAME Parameter object under another name
                self._where[name] = (parent, leaf)
        self._buffer_names: list[str] = []
        for bn, c in batch_norms(self.cfg):
            for leaf, init in (("running_mean", 0.0), ("running_var", 1.0)):
                parent, _ = self._node(f"{bn}.{leaf}")
                parent.register_buffer(leaf, torch.full((c,), init))
                self._where[f"{bn}.{leaf}"] = (parent, leaf)
                self._buffer_names.append(f"{bn}.{leaf}")
        self.reset_parameters()

    # ------------------------------------------------------------------ naming

    def _node(self, name: str) -> tuple[nn.Module, str]:
        *path, leaf = name.split(".")
        m: nn.Module = self
        for part in path:
            child = m._modules.get(part)
            if child is None:
                child = _Node()
                m.add_module(part, child)
            m = child
        return m, leaf

    def p(self, name: str) -> torch.Tensor:
        """A parameter (or buffer) by its browser name, tower-qualified or canonical."""
        parent, leaf = self._where[name]
        return getattr(parent, leaf)

    def canonical_parameters(self) -> list[tuple[str, nn.Parameter]]:
        """(canonical name, Parameter) in arena order: every storage once."""
        return [(v.name, self.p(v.name)) for v in self.layout.views]  # type: ignore[misc]

    def buffer_names(self) -> list[str]:
        return list(self._buffer_names)

    @torch.no_grad()
    def reset_parameters(self, seed: Optional[int] = None) -> None:
        """Init as the browser: with a seed, bit-identical to createModel(cfg, seed) (src/util/rng.ts);
        without one, the same distributions from torch's generator."""
        if seed is not None:
            from .rng import initial_values

            vals = initial_values(self.layout, seed)
            for v in self.layout.views:
                self.p(v.name).copy_(torch.from_numpy(vals[v.name]))
        else:
            for v in self.layout.views:
                kind, val = v.init
                t = self.p(v.name)
                if kind == "const":
                    t.fill_(val)
                else:
                    t.normal_(0, val)
        for n in self._buffer_names:
            self.p(n).fill_(0.0 if n.endswith("running_mean") else 1.0)

    # ------------------------------------------------------------------ ops (names as in reference.ts)

    def _ln(self, x: torch.Tensor, name: str) -> torch.Tensor:
        return F.layer_norm(x, x.shape[-1:], self.p(f"{name}.g"), self.p(f"{name}.b"), LN_EPS)

    def _linear(self, x: torch.Tensor, w: str, b: Optional[str] = None) -> torch.Tensor:
        return F.linear(x, self.p(w), self.p(b) if b else None)

    def _bn(self, x: torch.Tensor, name: str) -> torch.Tensor:
        """BatchNorm2d over (B, C, H, W): batch statistics in training (updating the running stats, torch
        semantics: momentum 0.1, unbiased variance), running statistics in eval."""
        g, b = self.p(f"{name}.g"), self.p(f"{name}.b")
        rm, rv = self.p(f"{name}.running_mean"), self.p(f"{name}.running_var")
        if not (self.training and self.sync_bn and distributed()):
            return F.batch_norm(x, rm, rv, g, b, self.training, BN_MOMENTUM, BN_EPS)
        # Global-batch statistics (every rank holds the same local batch size): two differentiable all-reduces,
        # the sum, then the centred sum of squares; at least float32 under autocast.
        C = x.shape[1]
        dt = torch.promote_types(x.dtype, torch.float32)
        xf = x.to(dt)
        n = float(x.numel() // C * dist.get_world_size())
        mean = _AllReduceSum.apply(xf.sum(dim=(0, 2, 3))) / n
        xc = xf - mean.view(1, C, 1, 1)
        var = _AllReduceSum.apply((xc * xc).sum(dim=(0, 2, 3))) / n
        with torch.no_grad():
            rm.mul_(1 - BN_MOMENTUM).add_(BN_MOMENTUM * mean.detach().to(rm.dtype))
            unbiased = var.detach() * (n / (n - 1)) if n > 1 else var.detach()
            rv.mul_(1 - BN_MOMENTUM).add_(BN_MOMENTUM * unbiased.to(rv.dtype))
        y = xc * torch.rsqrt(var + BN_EPS).view(1, C, 1, 1)
        return (y * g.view(1, C, 1, 1) + b.view(1, C, 1, 1)).to(x.dtype)

    def _conv(self, x: torch.Tensor, name: str, stride: int = 1, groups: int = 1, bias: Optional[str] = None, pad: Optional[int] = None) -> torch.Tensor:
        w = self.p(name)
        k = w.shape[-1]
        return F.conv2d(x, w, self.p(bias) if bias else None, stride=stride, padding=(k - 1) // 2 if pad is None else pad, groups=groups)

    def _attention(self, qkv: torch.Tensor, H: int, causal: bool, lengths: Optional[torch.Tensor], tap: Optional[Callable[[torch.Tensor], None]] = None) -> torch.Tensor:
        """qkv (B, T, 3C) = [q | k | v], head h at columns h·D … → (B, T, C). Key j is visible to query i when
        j < length (clamped to [1, T], as the kernels do) and, if causal, j ≤ i."""
        B, T, C3 = qkv.shape
        C = C3 // 3
        D = C // H
        q, k, v = qkv.split(C, dim=-1)
        q, k, v = (t.reshape(B, T, H, D).transpose(1, 2) for t in (q, k, v))
        s = (q @ k.transpose(-1, -2)) * (1 / math.sqrt(D))  # (B, H, T, T)
        j = torch.arange(T, device=qkv.device)
        visible = torch.ones(B, 1, T, T, dtype=torch.bool, device=qkv.device)
        if lengths is not None:
            ln = lengths.to(qkv.device).long().clamp(1, T)
            visible = visible & (j.view(1, 1, 1, T) < ln.view(B, 1, 1, 1))
        if causal:
            visible = visible & (j.view(1, 1, 1, T) <= j.view(1, 1, T, 1))
        probs = s.masked_fill(~visible, float("-inf")).softmax(-1)
        if tap is not None:
            tap(probs)
        return (probs @ v).transpose(1, 2).reshape(B, T, C)

    def _block(self, x: torch.Tensor, pre: str, H: int, causal: bool, lengths: Optional[torch.Tensor] = None) -> torch.Tensor:
        h1 = self._ln(x, f"{pre}.ln1")
        qkv = self._linear(h1, f"{pre}.attn.qkv.w", f"{pre}.attn.qkv.b")
        tap = self.attention_tap
        a = self._attention(qkv, H, causal, lengths, (lambda probs: tap(pre, probs)) if tap else None)
        x1 = x + self._linear(a, f"{pre}.attn.out.w", f"{pre}.attn.out.b")
        h2 = self._ln(x1, f"{pre}.ln2")
        f = F.gelu(self._linear(h2, f"{pre}.mlp.fc.w", f"{pre}.mlp.fc.b"), approximate="tanh")
        return x1 + self._linear(f, f"{pre}.mlp.proj.w", f"{pre}.mlp.proj.b")

    def _head(self, tower: str, pooled: torch.Tensor) -> torch.Tensor:
        n = self._ln(pooled, f"{tower}.ln_final")
        return F.normalize(self._linear(n, f"{tower}.proj"), dim=-1, eps=1e-12)

    # ------------------------------------------------------------------ vision

    def _conv_stem(self, images: torch.Tensor) -> torch.Tensor:
        """MS-CLIP Early Specialization (stem.ts): images (B, 3, S, S) → tokens (B, G·G, w)."""
        plan = stem_plan(self.cfg["vision"])
        x = F.relu(self._bn(self._conv(images, "vision.stem.conv0.w", stride=2), "vision.stem.bn0"))
        for b in plan.blocks:
            main = self._bn(self._conv(x, f"{b.prefix}.conv.w", stride=b.stride), f"{b.prefix}.bn")
            short = self._bn(self._conv(x, f"{b.prefix}.short.w", stride=b.stride), f"{b.prefix}.short_bn")
            x = F.relu(main + short)
        y = self._conv(x, "vision.stem.proj.w", bias="vision.stem.proj.b")  # (B, w, G, G)
        return y.flatten(2).transpose(1, 2)

    def _patch_embed(self, images: torch.Tensor) -> torch.Tensor:
        """CLIP's stem: non-overlapping p×p patches (c, y, x order) · Wᵀ, no bias → (B, P, w)."""
        v = self.cfg["vision"]
        p = v["patchSize"]
        w = self.p("vision.patch.w").view(v["width"], 3, p, p)
        return F.conv2d(images, w, stride=p).flatten(2).transpose(1, 2)

    def branch_maps(self, images: torch.Tensor) -> list[torch.Tensor]:
        """MS-CLIP's Efficient Parallel Branch (branch.ts): one stage map per fusion."""
        maps = []
        x = images
        for j, s in enumerate(branch_plan(self.cfg).stages):
            if j == 0:
                x = F.relu(self._bn(self._conv(x, f"{s.prefix}.conv.w", stride=2), f"{s.prefix}.bn"))
            else:
                a = F.relu(self._bn(self._conv(x, f"{s.prefix}.a.w"), f"{s.prefix}.a_bn"))
                b = F.relu(self._bn(self._conv(a, f"{s.prefix}.b.w", stride=2), f"{s.prefix}.b_bn"))
                c = self._bn(self._conv(b, f"{s.prefix}.c.w"), f"{s.prefix}.c_bn")
                sc = self._bn(self._conv(x, f"{s.prefix}.short.w", stride=2), f"{s.prefix}.short_bn")
                x = F.relu(c + sc)
            maps.append(x)
        return maps

    def _fuse(self, fi: int, x: torch.Tensor, m: torch.Tensor) -> torch.Tensor:
        """tokens (B, 1+P, w) → LN([CLS ; BN(dw3×3(patch tokens)) + proj(BN(dw k×k stride k (map)))])."""
        f = branch_plan(self.cfg).fusions[fi]
        v = self.cfg["vision"]
        w = v["width"]
        G = v["imageSize"] // v["patchSize"]
        B = x.shape[0]
        q = f.prefix
        md = self._conv(m, f"{q}.map_dw.w", stride=f.k, groups=f.Cm, pad=0)
        mp = self._conv(self._bn(md, f"{q}.map_bn"), f"{q}.map_proj.w", bias=f"{q}.map_proj.b")
        tm = x[:, 1:, :].transpose(1, 2).reshape(B, w, G, G)
        tb = self._bn(self._conv(tm, f"{q}.tok_dw.w", groups=w, pad=1), f"{q}.tok_bn")
        patches = (tb + mp).flatten(2).transpose(1, 2)
        return self._ln(torch.cat([x[:, :1, :], patches], dim=1), f"{q}.ln")

    def encode_image(self, images: torch.Tensor) -> torch.Tensor:
        """images (B, 3, S, S), normalised → L2-normalised embeddings (B, E)."""
        v = self.cfg["vision"]
        B = images.shape[0]
        tok = self._conv_stem(images) if uses_conv_stem(v) else self._patch_embed(images)
        cls = self.p("vision.cls").view(1, 1, -1).expand(B, 1, -1)
        x = torch.cat([cls, tok], dim=1) + self.p("vision.pos")
        x = self._ln(x, "vision.ln_pre")
        fusions = branch_plan(self.cfg).fusions if uses_parallel_branch(self.cfg) else []
        maps = self.branch_maps(images) if fusions else []
        for l in range(v["depth"]):
            for fi, f in enumerate(fusions):
                if f.layer == l:
                    x = self._fuse(fi, x, maps[f.stage])
            x = self._block(x, f"vision.blocks.{l}", v["heads"], False)
        pooled = x[:, 0] if v["pool"] == "cls" else x.mean(dim=1)
        return self._head("vision", pooled)

    # ------------------------------------------------------------------ text

    def encode_text(self, ids: torch.Tensor, eot: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """ids (B, T) padded token ids, eot (B) index of <|eot|>, lengths (B) tokens incl. sot/eot → (B, E)."""
        t = self.cfg["text"]
        T = t["contextLength"]
        ids = ids.long()
        x = F.embedding(ids, self.p("text.tok")) + self.p("text.pos")[:T]
        for l in range(t["depth"]):
            x = self._block(x, f"text.blocks.{l}", t["heads"], bool(t["causal"]), lengths)
        pooled = x[torch.arange(x.shape[0], device=x.device), eot.long().to(x.device)]
        return self._head("text", pooled)

    def forward(self, images: torch.Tensor, ids: torch.Tensor, eot: torch.Tensor, lengths: torch.Tensor, return_loss: bool = False):
        """(image embeddings, text embeddings), plus the loss with return_loss (under DDP call the wrapper with
        return_loss=True, so the embedding gather and the loss run inside its forward)."""
        img, txt = self.encode_image(images), self.encode_text(ids, eot, lengths)
        if return_loss:
            return img, txt, self.loss(img, txt)
        return img, txt

    def loss(self, img: torch.Tensor, txt: torch.Tensor) -> torch.Tensor:
        from .losses import clip_loss

        return clip_loss(self.cfg["loss"], img, txt, self.p("logit_scale"), self.p("logit_bias") if self.cfg["loss"] == "siglip" else None)
