"""Training throughput of the PyTorch twin: samples/s of full steps (forward, loss, backward, clip, AdamW) on random
inputs of the model's shapes, and model FLOPs utilisation against a given peak.

  python -m sharelab_torch.bench --preset separate --batch-size 64 --threads 2           # the CPU profile
  python -m sharelab_torch.bench --preset shared-all --device cuda --amp bf16 --peak-tflops 989 \\
      --override '{"vision":{"width":768,"depth":12,"heads":12},"text":{"width":768,"depth":12,"heads":12},"embedDim":512}'

FLOPs per sample (training = 3 × forward, the usual 6·N·tokens count): every matmul of both towers (qkv, proj, MLP,
patch embedding, heads) plus attention scores and values (2 × 2·T²·C per layer), counted from the config; BatchNorm,
LayerNorm, softmax and the contrastive loss are left out (under 1 % at these sizes).
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path
from typing import Any

import torch

from .config import preset_config, with_defaults
from .model import ShareClip
from .optim import make_optimizer


def forward_flops(cfg: dict[str, Any]) -> float:
    """Matmul FLOPs of one sample's forward (both towers); a shared weight is still applied once per tower."""
    v, t = cfg["vision"], cfg["text"]
    Tv = (v["imageSize"] // v["patchSize"]) ** 2 + 1
    Tt = t["contextLength"]

    def tower(T: int, C: int, depth: int, mlp: float) -> float:
        per_token = 2 * (3 * C * C + C * C + 2 * C * int(C * mlp))
        return depth * (T * per_token + 2 * 2 * T * T * C)

    patch = 2 * (Tv - 1) * 3 * v["patchSize"] ** 2 * v["width"]
    heads = 2 * cfg["embedDim"] * (v["width"] + t["width"])
    return tower(Tv, v["width"], v["depth"], v["mlpRatio"]) + tower(Tt, t["width"], t["depth"], t["mlpRatio"]) + patch + heads


def measure(cfg: dict[str, Any], batch: int, steps: int, warmup: int, device: torch.device, amp: Any = None, seed: int = 0) -> dict[str, float]:
    model = ShareClip(cfg)
    model.reset_parameters(seed)
    model.to(device)
    opt = make_optimizer(model, {"lr": 1e-4, "weightDecay": 0.1, "beta1": 0.9, "beta2": 0.98, "eps": 1e-6})
    params = [p for _, p in model.canonical_parameters()]
    v, t = cfg["vision"], cfg["text"]
    g = torch.Generator().manual_seed(seed)
    images = torch.randn(batch, 3, v["imageSize"], v["imageSize"], generator=g).to(device)
    lengths = torch.randint(3, t["contextLength"] + 1, (batch,), generator=g)
    ids = torch.randint(3, t["vocabSize"], (batch, t["contextLength"]), generator=g)
    ids[torch.arange(t["contextLength"]).unsqueeze(0) >= lengths.unsqueeze(1)] = 0
    ids, eot, lengths = ids.to(device), (lengths - 1).to(device), lengths.to(device)

    def step() -> None:
        opt.zero_grad(set_to_none=False)
        with torch.autocast(device_type="cuda", dtype=amp, enabled=amp is not None):
            _, _, loss = model(images, ids, eot, lengths, return_loss=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()

    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    for _ in range(warmup):
        step()
    sync()
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        step()
    sync()
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    sps = batch * steps / dt
    # samplesPerCpuSec: throughput per second of this process's CPU time (all its threads), the figure that stays
    # meaningful on a machine shared with other jobs.
    return {"samplesPerSec": sps, "samplesPerCpuSec": batch * steps / max(cpu, 1e-9), "stepMs": 1000 * dt / steps, "trainFlopsPerSample": 3 * forward_flops(cfg), "achievedTflops": sps * 3 * forward_flops(cfg) / 1e12,
            "params": sum(p.numel() for p in params)}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m sharelab_torch.bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--preset", action="append", help="preset(s) (default: separate)")
    p.add_argument("--override", default="{}", help="JSON overlaid on every preset's config")
    p.add_argument("--plan", help="instead of presets: every run config of an experiment plan folder (sharelab_torch.experiment), one per preset")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--device", default="cpu")
    p.add_argument("--amp", default="none", choices=["none", "bf16", "fp16"])
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--peak-tflops", type=float, default=0, help="the device's peak (e.g. 989 for H100/H200 dense bf16): prints MFU")
    a = p.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    device = torch.device(a.device)
    amp = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(a.amp) if device.type == "cuda" else None
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
    if a.plan:
        runs = json.loads((Path(a.plan) / "plan.json").read_text())["runs"]
        configs = {r["preset"]: with_defaults(json.loads(a.override), r["config"]) for r in runs}
    else:
        configs = {p: with_defaults(json.loads(a.override), preset_config(p)) for p in a.preset or ["separate"]}
    for preset, cfg in configs.items():
        r = measure(cfg, a.batch_size, a.steps, a.warmup, device, amp)
        r.update(preset=preset, batch=a.batch_size, device=str(device), amp=a.amp, threads=torch.get_num_threads(), torch=torch.__version__)
        if a.peak_tflops:
            r["mfu"] = r["achievedTflops"] / a.peak_tflops
        print(json.dumps({k: (round(x, 4) if isinstance(x, float) and math.isfinite(x) else x) for k, x in r.items()}), flush=True)


if __name__ == "__main__":
    main()
