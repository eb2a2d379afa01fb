"""The parameter layout of a config (src/model/params.ts buildLayout): every weight in arena order, with its
canonical (stored) name, shape, init, weight-decay flag and every tower-qualified name that aliases it.

Shared weights are ONE entry with several names ("shared.blocks.3.attn.qkv.w" read by vision.blocks.3...
and text.blocks.3...); the PyTorch model turns each entry into one nn.Parameter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .config import (
    branch_plan,
    first_vision_block,
    num_patches,
    resolve_sharing,
    shares_final_ln,
    stem_plan,
    uses_conv_stem,
    uses_parallel_branch,
)

LOGIT_SCALE_INIT = {"infonce": math.log(1 / 0.07), "siglip": math.log(10)}
LOGIT_BIAS_INIT = -10.0
ALIGN_ELEMS = 64  # arena views start at multiples of 64 elements (src/gpu/tensor.ts)


@dataclass
class ParamSpec:
    name: str
    shape: tuple[int, ...]
    init: tuple[str, float]  # ("normal", std) | ("const", value)
    decay: bool
    names: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n


class Layout:
    def __init__(self) -> None:
        self.views: list[ParamSpec] = []
        self.by_name: dict[str, ParamSpec] = {}

    def add(self, name: str, shape: list[int] | tuple[int, ...], init: tuple[str, float], decay: bool) -> None:
        if name in self.by_name:
            raise ValueError(f'parameter "{name}" already exists')
        v = ParamSpec(name, tuple(shape), init, decay, [name])
        self.views.append(v)
        self.by_name[name] = v

    def alias(self, name: str, target: str) -> None:
        if name in self.by_name:
            raise ValueError(f'parameter "{name}" already exists')
        v = self.by_name[target]
        v.names.append(name)
        self.by_name[name] = v

    def aliases(self) -> dict[str, str]:
        """tower-qualified name → canonical name, for every alias (checkpoint metadata)."""
        return {n: v.name for v in self.views for n in v.names if n != v.name}

    def offsets(self) -> list[int]:
        out, o = [], 0
        for v in self.views:
            out.append(o)
            o += -(-max(v.size, 1) // ALIGN_ELEMS) * ALIGN_ELEMS
        return out


def normal(std: float) -> tuple[str, float]:
    return ("normal", std)


def const(value: float) -> tuple[str, float]:
    return ("const", value)


def _stem_params(v: dict[str, Any], add) -> None:
    plan = stem_plan(v)

    def conv(name: str, cout: int, cin: int, k: int) -> None:
        add(name, [cout, cin, k, k], normal(math.sqrt(2 / (cin * k * k))), True)

    def bn(prefix: str, c: int) -> None:
        add(f"{prefix}.g", [c], const(1), False)
        add(f"{prefix}.b", [c], const(0), False)

    conv("vision.stem.conv0.w", plan.c0, 3, 3)
    bn("vision.stem.bn0", plan.c0)
    for b in plan.blocks:
        conv(f"{b.prefix}.conv.w", b.cout, b.cin, 3)
        bn(f"{b.prefix}.bn", b.cout)
        conv(f"{b.prefix}.short.w", b.cout, b.cin, 1)
        bn(f"{b.prefix}.short_bn", b.cout)
    conv("vision.stem.proj.w", v["width"], v["width"], 1)  # no bias, as released


def _branch_params(cfg: dict[str, Any], add) -> None:
    plan = branch_plan(cfg)
    w = cfg["vision"]["width"]

    def conv(name: str, cout: int, cin_pg: int, k: int) -> None:
        add(name, [cout, cin_pg, k, k], normal(math.sqrt(2 / (cin_pg * k * k))), True)

    def norm(prefix: str, c: int) -> None:
        add(f"{prefix}.g", [c], const(1), False)
        add(f"{prefix}.b", [c], const(0), False)

    for j, s in enumerate(plan.stages):
        if j == 0:
            conv(f"{s.prefix}.conv.w", s.cout, 3, 3)
            norm(f"{s.prefix}.bn", s.cout)
            continue
        conv(f"{s.prefix}.a.w", s.mid, s.cin, 1)
        norm(f"{s.prefix}.a_bn", s.mid)
        conv(f"{s.prefix}.b.w", s.mid, s.mid, 3)
        norm(f"{s.prefix}.b_bn", s.mid)
        conv(f"{s.prefix}.c.w", s.cout, s.mid, 1)
        norm(f"{s.prefix}.c_bn", s.cout)
        conv(f"{s.prefix}.short.w", s.cout, s.cin, 1)
        norm(f"{s.prefix}.short_bn", s.cout)
    for f in plan.fusions:
        conv(f"{f.prefix}.map_dw.w", f.Cm, 1, f.k)
        norm(f"{f.prefix}.map_bn", f.Cm)
        conv(f"{f.prefix}.map_proj.w", w, f.Cm, 1)  # no bias, as released
        conv(f"{f.prefix}.tok_dw.w", w, 1, 3)
        norm(f"{f.prefix}.tok_bn", w)
        norm(f"{f.prefix}.ln", w)


def _block_shapes(C: int, ratio: int, depth: int) -> list[tuple[str, list[int], tuple[str, float], bool]]:
    M = C * ratio
    proj_std = C**-0.5 * (2 * depth) ** -0.5
    return [
        ("ln1.g", [C], const(1), False),
        ("ln1.b", [C], const(0), False),
        ("ln2.g", [C], const(1), False),
        ("ln2.b", [C], const(0), False),
        ("attn.qkv.w", [3 * C, C], normal(C**-0.5), True),
        ("attn.qkv.b", [3 * C], const(0), False),
        ("attn.out.w", [C, C], normal(proj_std), True),
        ("attn.out.b", [C], const(0), False),
        ("mlp.fc.w", [M, C], normal((2 * C) ** -0.5), True),
        ("mlp.fc.b", [M], const(0), False),
        ("mlp.proj.w", [C, M], normal(proj_std), True),
        ("mlp.proj.b", [C], const(0), False),
    ]


def build_layout(cfg: dict[str, Any]) -> Layout:
    if cfg.get("teacher"):
        # Never built silently as a two-tower model: the twin has no frozen-table text side (src/model/teacher.ts).
        raise ValueError("teacher mode (LLM2CLIP: frozen text table + adapter) is browser-only; the PyTorch twin has no teacher text side")
    L = Layout()
    add = L.add
    sharing = resolve_sharing(cfg)
    v, t = cfg["vision"], cfg["text"]

    P = num_patches(v)
    pdim = 3 * v["patchSize"] ** 2
    if uses_conv_stem(v):
        _stem_params(v, add)
    else:
        add("vision.patch.w", [v["width"], pdim], normal(pdim**-0.5), True)
    add("vision.cls", [v["width"]], normal(v["width"] ** -0.5), False)
    add("vision.pos", [P + 1, v["width"]], normal(0.01), False)
    add("vision.ln_pre.g", [v["width"]], const(1), False)
    add("vision.ln_pre.b", [v["width"]], const(0), False)
    add("text.tok", [t["vocabSize"], t["width"]], normal(0.02), False)
    add("text.pos", [t["contextLength"], t["width"]], normal(0.01), False)

    depth = max(v["depth"], t["depth"])
    for l in range(depth):
        s = sharing[l]
        for tower in ("vision", "text"):
            tc = cfg[tower]
            if l >= tc["depth"] or (tower == "vision" and l < first_vision_block(v)):
                continue  # the released Early Specialization: vision layer 0 is the conv stem
            for suffix, shape, init, decay in _block_shapes(tc["width"], tc["mlpRatio"], tc["depth"]):
                comp = "ln" if suffix.startswith("ln") else "attn" if suffix.startswith("attn") else "mlp"
                name = f"{tower}.blocks.{l}.{suffix}"
                if s[comp]:
                    canon = f"shared.blocks.{l}.{suffix}"
                    if canon not in L.by_name:
                        add(canon, shape, init, decay)
                    L.alias(name, canon)
                else:
                    add(name, shape, init, decay)

    if uses_parallel_branch(cfg):
        if not branch_plan(cfg).fusions:  # validate.ts branchProblem: never build a branch without its fusions
            raise ValueError("vision.parallelBranch: the branch would fuse nowhere at this depth / sharing (it fuses before shared vision layers)")
        _branch_params(cfg, add)

    if shares_final_ln(cfg):
        add("shared.ln_final.g", [v["width"]], const(1), False)
        add("shared.ln_final.b", [v["width"]], const(0), False)
        for tower in ("vision", "text"):
            L.alias(f"{tower}.ln_final.g", "shared.ln_final.g")
            L.alias(f"{tower}.ln_final.b", "shared.ln_final.b")
    else:
        add("vision.ln_final.g", [v["width"]], const(1), False)
        add("vision.ln_final.b", [v["width"]], const(0), False)
        add("text.ln_final.g", [t["width"]], const(1), False)
        add("text.ln_final.b", [t["width"]], const(0), False)
    add("vision.proj", [cfg["embedDim"], v["width"]], normal(v["width"] ** -0.5), True)
    add("text.proj", [cfg["embedDim"], t["width"]], normal(t["width"] ** -0.5), True)
    add("logit_scale", [1], const(LOGIT_SCALE_INIT[cfg["loss"]]), False)
    if cfg["loss"] == "siglip":
        add("logit_bias", [1], const(LOGIT_BIAS_INIT), False)
    return L


def towers_of(view: ParamSpec) -> set[str]:
    return {n.split(".", 1)[0] for n in view.names if n.startswith(("vision.", "text."))}


def param_counts(layout: Layout) -> dict[str, int]:
    """Like params.ts paramCounts: real storage, aliases counted once."""
    c = {"total": 0, "shared": 0, "visionOnly": 0, "textOnly": 0, "other": 0}
    for v in layout.views:
        t = towers_of(v)
        c["total"] += v.size
        if len(t) == 2:
            c["shared"] += v.size
        elif "vision" in t:
            c["visionOnly"] += v.size
        elif "text" in t:
            c["textOnly"] += v.size
        else:
            c["other"] += v.size
    return c
