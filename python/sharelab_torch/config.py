"""Model configuration: the same JSON as the browser (src/model/config.ts, presets in src/model/presets).

A config is a plain dict with the TypeScript field names (camelCase), so a config read from a checkpoint's
metadata, an exported experiment or a preset file is used as is and written back unchanged.
Also here: the sharing resolution (src/model/sharing.ts), the conv-stem plan (src/model/stem.ts) and the
parallel-branch plan (src/model/branch.ts), which decide parameter names and shapes.
"""

from __future__ import annotations

import copy
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_CONFIG: dict[str, Any] = {
    "name": "tiny",
    "vision": {"imageSize": 32, "patchSize": 8, "width": 64, "depth": 4, "heads": 4, "mlpRatio": 4, "pool": "cls", "stem": "patch"},
    "text": {"contextLength": 16, "vocabSize": 512, "width": 64, "depth": 4, "heads": 4, "mlpRatio": 4, "causal": True},
    "embedDim": 64,
    "sharing": {"preset": "separate"},
    "loss": "infonce",
}

REPO_ROOT = Path(__file__).resolve().parents[2]


def presets_dir() -> Path:
    """src/model/presets of this repository (override with SHARELAB_PRESETS)."""
    return Path(os.environ.get("SHARELAB_PRESETS", REPO_ROOT / "src" / "model" / "presets"))


def preset_names() -> list[str]:
    """The preset list, from the one source both sides read: src/model/presets/index.json (registry.ts)."""
    return list(json.loads((presets_dir() / "index.json").read_text()))


PRESET_NAMES = preset_names()


def with_defaults(partial: dict[str, Any] | None, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """Defaults overlaid with a partial config: plain objects merge, arrays and scalars replace (config.ts)."""

    def merge(a: Any, b: Any) -> Any:
        if b is None:
            return copy.deepcopy(a)
        if isinstance(a, dict) and isinstance(b, dict):
            out = dict(a)
            for k, v in b.items():
                out[k] = merge(a.get(k), v)
            return out
        return copy.deepcopy(b)

    return merge(DEFAULT_CONFIG if base is None else base, partial or {})


def first_vision_block(v: dict[str, Any]) -> int:
    """1 when the conv stem IS vision layer 0 (MS-CLIP's Early Specialization as released), else 0 (config.ts)."""
    return 1 if v.get("stem") == "conv" else 0


def load_preset(name: str) -> dict[str, Any]:
    path = presets_dir() / f"{name}.json"
    if name not in PRESET_NAMES or not path.exists():
        known = ", ".join(PRESET_NAMES)
        raise ValueError(f'unknown model preset "{name}"; known: {known}')
    return json.loads(path.read_text())


def preset_config(name: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """A preset by name overlaid with overrides (registry.ts presetConfig)."""
    return with_defaults(overrides or {}, with_defaults(load_preset(name)))


def num_patches(v: dict[str, Any]) -> int:
    return (v["imageSize"] // v["patchSize"]) ** 2


# ----------------------------------------------------------------------------- sharing (sharing.ts)


class SharingError(ValueError):
    pass


def sharing_matrix(spec: dict[str, Any], depth: int) -> list[dict[str, bool]]:
    k = spec.get("k", 1)
    p = spec["preset"]
    none = {"attn": False, "mlp": False, "ln": False}
    am = {"attn": True, "mlp": True, "ln": False}

    def check_k() -> None:
        if not isinstance(k, int) or isinstance(k, bool) or k < 0 or k > depth:
            raise SharingError(f"{p}: k must be an integer between 0 and the depth ({depth}); got {k}")

    if p == "separate":
        return [dict(none) for _ in range(depth)]
    if p == "shared-all":
        return [{"attn": True, "mlp": True, "ln": True} for _ in range(depth)]
    if p == "shared-except-ln":
        return [dict(am) for _ in range(depth)]
    if p == "shared-attn":
        return [{"attn": True, "mlp": False, "ln": False} for _ in range(depth)]
    if p == "shared-mlp":
        return [{"attn": False, "mlp": True, "ln": False} for _ in range(depth)]
    if p == "separate-first-k":
        check_k()
        return [dict(none) if l < k else dict(am) for l in range(depth)]
    if p == "separate-last-k":
        check_k()
        return [dict(none) if l >= depth - k else dict(am) for l in range(depth)]
    if p == "ms-clip":
        return [dict(none) if l == 0 else dict(am) for l in range(depth)]
    if p == "custom":
        m = spec.get("matrix")
        if not m:
            raise SharingError("custom sharing needs a matrix (one row per layer with attn, mlp, ln)")
        if len(m) != depth:
            raise SharingError(f"custom sharing matrix has {len(m)} rows; the model has {depth} layers")
        return [{"attn": bool(r.get("attn")), "mlp": bool(r.get("mlp")), "ln": bool(r.get("ln"))} for r in m]
    raise SharingError(f'unknown sharing preset "{p}"')


def resolve_sharing(cfg: dict[str, Any]) -> list[dict[str, bool]]:
    v, t = cfg["vision"], cfg["text"]
    depth = max(v["depth"], t["depth"])
    m = sharing_matrix(cfg["sharing"], depth)
    for l, s in enumerate(m):
        if not (s["attn"] or s["mlp"] or s["ln"]):
            continue
        parts = ", ".join(c for c in ("attn", "mlp", "ln") if s[c])
        if l >= v["depth"] or l >= t["depth"]:
            which = "vision" if l >= v["depth"] else "text"
            raise SharingError(f"layer {l}: shares {parts}, but the {which} tower has only {cfg[which]['depth']} layers")
        if l < first_vision_block(v):
            raise SharingError(
                f"layer {l}: shares {parts}, but vision layer {l} is the conv stem (Early Specialization as released); "
                "leave it unshared or use the stem 'conv-plus-layer0' (ours)"
            )
        if v["width"] != t["width"]:
            raise SharingError(f"layer {l}: shares {parts}, but widths differ (vision {v['width']}, text {t['width']}); shared weights need equal widths")
        if s["attn"] and v["heads"] != t["heads"]:
            raise SharingError(f"layer {l}: shares attention, but head counts differ (vision {v['heads']}, text {t['heads']})")
        if s["mlp"] and v["mlpRatio"] != t["mlpRatio"]:
            raise SharingError(f"layer {l}: shares the MLP, but MLP ratios differ (vision {v['mlpRatio']}, text {t['mlpRatio']})")
    return m


def shares_final_ln(cfg: dict[str, Any]) -> bool:
    s = cfg["sharing"]
    return s["finalLn"] if s.get("finalLn") is not None else s["preset"] == "shared-all"


# ----------------------------------------------------------------------------- conv stem (stem.ts)


@dataclass
class StemBlock:
    prefix: str
    cin: int
    cout: int
    stride: int


@dataclass
class StemPlan:
    c0: int
    blocks: list[StemBlock]
    sizes: list[int]


def uses_conv_stem(v: dict[str, Any]) -> bool:
    return v.get("stem") in ("conv", "conv-plus-layer0")


def _log2_int(p: int, what: str, v: dict[str, Any]) -> int:
    l2 = math.log2(p) if p > 0 else -1
    if p < 2 or l2 != int(l2):
        raise ValueError(f"{what}: patch size {p} must be a power of two ≥ 2")
    if v["imageSize"] % p != 0:
        raise ValueError(f"{what}: patch size {p} must divide the image size {v['imageSize']}")
    return int(l2)


def stem_plan(v: dict[str, Any]) -> StemPlan:
    p = v["patchSize"]
    log2p = _log2_int(p, "conv stem", v)
    w = v["width"]
    n = max(4, log2p - 1)

    def ch(div: int) -> int:
        return max(1, w // div)

    c0 = ch(2**n)
    blocks: list[StemBlock] = []
    sizes = [v["imageSize"], v["imageSize"] // 2]
    stride = 2
    cin = c0
    for i in range(n):
        s = 2 if stride < p else 1
        stride *= s
        cout = w if i == n - 1 else ch(2 ** (n - 1 - i))
        blocks.append(StemBlock(f"vision.stem.block{i}", cin, cout, s))
        sizes.append(sizes[-1] // s)
        cin = cout
    return StemPlan(c0, blocks, sizes)


def stem_batch_norms(v: dict[str, Any]) -> list[tuple[str, int]]:
    plan = stem_plan(v)
    out = [("vision.stem.bn0", plan.c0)]
    for b in plan.blocks:
        out += [(f"{b.prefix}.bn", b.cout), (f"{b.prefix}.short_bn", b.cout)]
    return out


# ----------------------------------------------------------------------------- parallel branch (branch.ts)


@dataclass
class BranchStage:
    prefix: str
    cin: int
    mid: int
    cout: int
    size: int


@dataclass
class BranchFusion:
    prefix: str
    layer: int
    stage: int
    Cm: int
    k: int


@dataclass
class BranchPlan:
    stages: list[BranchStage]
    fusions: list[BranchFusion]


def uses_parallel_branch(cfg: dict[str, Any]) -> bool:
    return cfg["vision"].get("parallelBranch") is True


def branch_plan(cfg: dict[str, Any]) -> BranchPlan:
    v = cfg["vision"]
    p = v["patchSize"]
    max_stages = _log2_int(p, "parallel branch", v)
    sharing = resolve_sharing(cfg)
    shared = [l for l in range(v["depth"]) if l < len(sharing) and (sharing[l]["attn"] or sharing[l]["mlp"])]
    def every(first: int) -> list[int]:
        return [l for j, l in enumerate(shared) if j % 2 == first][:max_stages]

    # the 2nd, 4th, … shared layer as released; the 1st, 3rd, … when that gives fewer than two fusions (ours)
    layers = every(1) if len(every(1)) >= min(2, max_stages) else every(0)
    w = v["width"]
    c0 = max(1, w // 16)
    stages: list[BranchStage] = []
    for j in range(len(layers)):
        cout = min(w, c0 * 2**j)
        cin = 3 if j == 0 else stages[j - 1].cout
        stages.append(BranchStage(f"vision.branch.stage{j}", cin, max(1, cout // 4), cout, v["imageSize"] // 2 ** (j + 1)))
    fusions = [BranchFusion(f"vision.fuse{j}", layer, j, stages[j].cout, p // 2 ** (j + 1)) for j, layer in enumerate(layers)]
    return BranchPlan(stages, fusions)


def branch_batch_norms(cfg: dict[str, Any]) -> list[tuple[str, int]]:
    plan = branch_plan(cfg)
    out: list[tuple[str, int]] = []
    for j, s in enumerate(plan.stages):
        if j == 0:
            out.append((f"{s.prefix}.bn", s.cout))
        else:
            out += [(f"{s.prefix}.a_bn", s.mid), (f"{s.prefix}.b_bn", s.mid), (f"{s.prefix}.c_bn", s.cout), (f"{s.prefix}.short_bn", s.cout)]
    for f in plan.fusions:
        out += [(f"{f.prefix}.map_bn", f.Cm), (f"{f.prefix}.tok_bn", v_width(cfg))]
    return out


def v_width(cfg: dict[str, Any]) -> int:
    return cfg["vision"]["width"]


def batch_norms(cfg: dict[str, Any]) -> list[tuple[str, int]]:
    """Every BatchNorm (name, channels) in buffer-layout order (stem.ts buildBufferLayout)."""
    out: list[tuple[str, int]] = []
    if uses_conv_stem(cfg["vision"]):
        out += stem_batch_norms(cfg["vision"])
    if uses_parallel_branch(cfg):
        out += branch_batch_norms(cfg)
    return out
