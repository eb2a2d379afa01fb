"""Cross-checks with the browser, driven by e2e/torch-parity.spec.ts (and python/tests/test_parity_wgsl.py).

  python -m sharelab_torch.parity wgsl DIR [--json REPORT]
      DIR/<case>/wgsl.safetensors + wgsl.json, dumped from the WGSL engine in Chromium: the initial parameters
      (param.<name>), the inputs, eval-mode embeddings (img_eval, txt_eval), one training-mode forward + backward
      (img, txt, loss, grad.<name>) and the BatchNorm running stats after it (buffers.<name>). PyTorch (float32)
      recomputes everything from the same parameters and inputs; exit status 1 if any figure is out of tolerance.

  python -m sharelab_torch.parity roundtrip OUT
      Trains a model a few steps with train.py on a generated image–caption set, then writes what the browser needs
      to open it and what it must reproduce: OUT/run/latest.safetensors, OUT/val.safetensors (preprocessed images,
      token ids, PyTorch's eval embeddings, CLS→patch attention of every layer/head for the first items) and
      OUT/val.json (captions, recall@K).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch

from . import safetensors as st
from .model import ShareClip

#: Tolerances of WGSL (float32, GPU reductions) vs PyTorch (float32, CPU).
TOL = {
    "embeddings": 1e-4,  # max abs error, the bar
    "loss": 1e-4,  # abs
    "grad": 5e-4,  # max abs error of a view's gradient / max(max |grad| of the view, 1e-3)
    "buffers": 1e-4,  # BatchNorm running stats after one training forward, max abs
}


def _t(a: np.ndarray, dtype=torch.float32) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(a)).to(dtype)


def check_case(d: Path) -> dict[str, Any]:
    meta = json.loads((d / "wgsl.json").read_text())
    tz, _ = st.load_file(d / "wgsl.safetensors")
    model = ShareClip(meta["config"])
    with torch.no_grad():
        for name, p in model.canonical_parameters():
            p.copy_(_t(tz[f"param.{name}"]))
    images = _t(tz["images"])
    ids, eot, lengths = (torch.from_numpy(tz[k].astype(np.int64)) for k in ("ids", "eot", "lengths"))

    # Inference first (fresh running stats: mean 0, var 1), as the dump did.
    model.eval()
    with torch.no_grad():
        ie, te = model(images, ids, eot, lengths)
    model.train()
    img, txt, loss = model(images, ids, eot, lengths, return_loss=True)
    loss.backward()

    def mx(a: torch.Tensor, b: np.ndarray) -> float:
        return float((a.detach() - _t(b)).abs().max()) if a.numel() else 0.0

    r: dict[str, Any] = {
        "case": meta["case"],
        "embEval": max(mx(ie, tz["img_eval"]), mx(te, tz["txt_eval"])),
        "emb": max(mx(img, tz["img"]), mx(txt, tz["txt"])),
        "loss": abs(loss.item() - float(tz["loss"].reshape(-1)[0])),
        "lossValue": loss.item(),
    }
    worst, worst_name = 0.0, ""
    for name, p in model.canonical_parameters():
        g = p.grad if p.grad is not None else torch.zeros_like(p)
        e = mx(g, tz[f"grad.{name}"]) / max(float(g.abs().max()), 1e-3)
        if e > worst:
            worst, worst_name = e, name
    r["grad"], r["gradWorst"] = worst, worst_name
    r["buffers"] = max([mx(model.p(n), tz[f"buffers.{n}"]) for n in model.buffer_names()], default=0.0)
    # With BatchNorm, inference (running stats) and training (batch stats) must really differ in the dump.
    r["trainVsEval"] = float(np.abs(tz["img"] - tz["img_eval"]).max())
    modes_ok = not model.buffer_names() or r["trainVsEval"] > 1e-3
    r["ok"] = modes_ok and r["embEval"] < TOL["embeddings"] and r["emb"] < TOL["embeddings"] and r["loss"] < TOL["loss"] and r["grad"] < TOL["grad"] and r["buffers"] < TOL["buffers"]
    return r


def check_wgsl(root: Path) -> list[dict[str, Any]]:
    return [check_case(p.parent) for p in sorted(root.glob("*/wgsl.json"))]


# ----------------------------------------------------------------------------- round trip


def recall_at_k(img: np.ndarray, txt: np.ndarray, caption_image: np.ndarray, ks=(1, 5)) -> dict[str, dict[int, float]]:
    """Ranks as src/analysis/retrieval.ts: i2t = best rank of any of the image's captions; t2i = rank of the image."""
    sim = img @ txt.T  # (Ni, Nt)
    Ni, Nt = sim.shape
    i2t, t2i = [], []
    for i in range(Ni):
        order = np.argsort(-sim[i], kind="stable")
        i2t.append(min(int(np.where(order == j)[0][0]) for j in range(Nt) if caption_image[j] == i))
    for j in range(Nt):
        order = np.argsort(-sim[:, j], kind="stable")
        t2i.append(int(np.where(order == caption_image[j])[0][0]))
    return {"i2t": {k: float(np.mean(np.array(i2t) < k)) for k in ks}, "t2i": {k: float(np.mean(np.array(t2i) < k)) for k in ks}}


def roundtrip(out: Path, n_val: int = 16, steps: int = 12) -> dict[str, Any]:
    from . import checkpoint as ckpt
    from .data import index_image_folder, preprocess
    from .tinydata import make
    from .config import first_vision_block
    from .tokenizer import BpeTokenizer
    from .train import main as train_main

    out.mkdir(parents=True, exist_ok=True)
    folder, _ = make(out / "data", n=48, size=64)
    # Larger than the in-browser default (width 64, depth 4, 32 px): width 128, depth 6, 64 px images, MS-CLIP.
    override = {"vision": {"imageSize": 64, "patchSize": 8, "width": 128, "depth": 6, "heads": 4}, "text": {"width": 128, "depth": 6, "heads": 4}, "embedDim": 64}
    train_main(["--data", str(folder), "--preset", "ms-clip", "--override", json.dumps(override), "--out", str(out / "run"), "--batch-size", "8",
                "--steps", str(steps), "--warmup", "3", "--lr", "2e-3", "--log-every", "1", "--workers", "0", "--seed", "5"])
    model, ck = ckpt.load_model(out / "run" / "latest.safetensors")
    model.eval()
    tok = BpeTokenizer.from_json(ck.tokenizer)
    items, _ = index_image_folder(str(folder))
    items = items[:n_val]
    S, T = model.cfg["vision"]["imageSize"], model.cfg["text"]["contextLength"]
    images = np.stack([preprocess(it.read(), S) for it in items])
    captions = [c for it in items for c in it.captions]
    caption_image = np.array([i for i, it in enumerate(items) for _ in it.captions], dtype=np.int32)
    enc = tok.encode_batch(captions, T)
    cls_maps: dict[str, torch.Tensor] = {}

    def tap(pre: str, probs: torch.Tensor) -> None:
        if pre.startswith("vision."):
            cls_maps[pre] = probs[:, :, 0, 1:].detach().clone()  # (N, H, P): CLS → patches

    model.attention_tap = tap
    with torch.no_grad():
        img = model.encode_image(_t(images))
    model.attention_tap = None
    with torch.no_grad():
        txt = model.encode_text(torch.from_numpy(enc["ids"].astype(np.int64)), torch.from_numpy(enc["eot"].astype(np.int64)), torch.from_numpy(enc["lengths"].astype(np.int64)))
    depth = model.cfg["vision"]["depth"]
    # the vision transformer layers that exist (the released ES stem is layer 0, with no attention), in the
    # order the app's probe reports them
    first = first_vision_block(model.cfg["vision"])
    cls = torch.stack([cls_maps[f"vision.blocks.{l}"] for l in range(first, depth)], dim=1)  # (N, L, H, P)
    tensors = {
        "images": images.astype(np.float32),
        "ids": enc["ids"],
        "eot": enc["eot"],
        "lengths": enc["lengths"],
        "caption_image": caption_image,
        "img": img.numpy().astype(np.float32),
        "txt": txt.numpy().astype(np.float32),
        "cls": cls.numpy().astype(np.float32),
    }
    st.save_file(out / "val.safetensors", tensors)
    summary = {
        "checkpoint": str(out / "run" / "latest.safetensors"),
        "captions": captions,
        "recall": recall_at_k(tensors["img"].astype(np.float64), tensors["txt"].astype(np.float64), caption_image),
        "step": ck.step,
        "config": model.cfg,
        "logitScale": float(np.exp(model.p("logit_scale").item())),
        "params": sum(v.size for v in model.layout.views),
    }
    (out / "val.json").write_text(json.dumps(summary))
    return summary


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m sharelab_torch.parity", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("wgsl")
    w.add_argument("dir")
    w.add_argument("--json")
    r = sub.add_parser("roundtrip")
    r.add_argument("out")
    a = p.parse_args(argv)
    if a.cmd == "roundtrip":
        s = roundtrip(Path(a.out))
        print(json.dumps({k: s[k] for k in ("checkpoint", "recall", "step", "params")}))
        return 0
    rows = check_wgsl(Path(a.dir))
    if a.json:
        Path(a.json).write_text(json.dumps({"tolerances": TOL, "cases": rows}, indent=1))
    for x in rows:
        print(f"{x['case']:22s} emb {x['emb']:.2e} embEval {x['embEval']:.2e} loss {x['loss']:.2e} grad {x['grad']:.2e} ({x['gradWorst']}) buffers {x['buffers']:.2e} {'OK' if x['ok'] else 'NOT OK'}")
    return 0 if rows and all(x["ok"] for x in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
