"""The PyTorch half of `npm run bench:device`: train.py samples/s on this machine's accelerator.

Runs python/sharelab_torch/train.py (eager) on a generated image-caption set (sharelab_torch.tinydata) for
  - the default config (src/model/config.ts 'tiny', preset separate), fp32 and bf16 autocast, and
  - a ViT-B/32-sized ms-clip (vision 224 px, patch 32, width 768, depth 12, 12 heads; text width 512,
    depth 12, 8 heads, context 77; embed 512), bf16 autocast,
at the same global batch, and writes <out>.md. samples/s is the median of the logged windows after the
first (which holds start-up and compilation). --dry: CPU, a few steps, the ms-clip shrunk to width 64 —
it exercises the same code so the GPU form never rots, and its figures mean nothing.

usage: python3 bench/device/torch_bench.py --out PREFIX [--dry] [--batch N] [--steps N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))

VIT_B32 = {
    "vision": {"imageSize": 224, "patchSize": 32, "width": 768, "depth": 12, "heads": 12, "mlpRatio": 4},
    "text": {"contextLength": 77, "width": 512, "depth": 12, "heads": 8, "mlpRatio": 4},
    "embedDim": 512,
}
DRY_MS = {"vision": {"imageSize": 32, "patchSize": 8, "width": 64, "depth": 2, "heads": 2}, "text": {"width": 64, "depth": 2, "heads": 2}, "embedDim": 64}


def run(name: str, preset: str, override: dict, amp: str, a: argparse.Namespace, data: str, device: str) -> dict:
    out = tempfile.mkdtemp(prefix="sharelab-bench-")
    cmd = [sys.executable, "-m", "sharelab_torch.train", "--data", data, "--out", out, "--preset", preset,
           "--override", json.dumps(override), "--batch-size", str(a.batch), "--steps", str(a.steps),
           "--log-every", str(a.log_every), "--checkpoint-every", "0", "--workers", "0" if a.dry else "4",
           "--device", device, "--amp", amp, "--warmup", "1"]
    if a.dry:
        cmd += ["--threads", "1"]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=ROOT / "python", capture_output=True, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    wall = time.perf_counter() - t0
    rates = [float(m) for m in re.findall(r"([\d.]+) samples/s", p.stdout + p.stderr)]
    res = {"name": name, "preset": preset, "amp": amp, "batch": a.batch, "steps": a.steps, "wall_s": wall, "rc": p.returncode,
           "samples_per_s": statistics.median(rates[1:]) if len(rates) > 1 else (rates[0] if rates else float("nan"))}
    if p.returncode != 0:
        res["error"] = (p.stderr or p.stdout)[-800:]
    print(f"[torch] {name}: {res['samples_per_s']:.1f} samples/s (rc {p.returncode}, {wall:.0f} s)", flush=True)
    if p.returncode != 0:
        print(res["error"], flush=True)
    return res


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--dry", action="store_true")
    ap.add_argument("--batch", type=int, default=None)
    ap.add_argument("--steps", type=int, default=None)
    a = ap.parse_args()
    import torch

    from sharelab_torch import tinydata

    cuda = torch.cuda.is_available() and not a.dry
    device = "cuda" if cuda else "cpu"
    a.batch = a.batch or (8 if a.dry else 256)
    a.steps = a.steps or (3 if a.dry else 40)
    a.log_every = 1 if a.dry else 5
    root = Path(tempfile.mkdtemp(prefix="sharelab-data-"))
    _, shards = tinydata.make(root, n=max(48, 2 * a.batch), size=32)
    runs = [("default config (tiny, separate), fp32", "separate", {}, "none")]
    if cuda:
        runs.append(("default config (tiny, separate), bf16 autocast", "separate", {}, "bf16"))
        runs.append(("ViT-B/32-sized ms-clip, bf16 autocast", "ms-clip", VIT_B32, "bf16"))
    else:
        runs.append(("ms-clip shrunk to width 64 (dry run)", "ms-clip", DRY_MS, "none"))
    results = [run(n, p, o, amp, a, shards, device) for n, p, o, amp in runs]
    gpu = torch.cuda.get_device_name(0) if cuda else "CPU (dry run: figures mean nothing)"
    lines = [f"## PyTorch twin (train.py, eager): {gpu}", "",
             f"torch {torch.__version__}, CUDA {torch.version.cuda if cuda else '—'}; batch {a.batch}, {a.steps} steps, samples/s = median of the logged windows after the first.", "",
             "| run | samples/s | wall s | status |", "| --- | ---: | ---: | --- |"]
    for r in results:
        status = "ok" if r["rc"] == 0 else f"failed (rc {r['rc']}): {r.get('error', '').splitlines()[-1] if r.get('error') else ''}"
        lines.append(f"| {r['name']} | {r['samples_per_s']:.1f} | {r['wall_s']:.0f} | {status} |")
    Path(a.out + ".md").write_text("\n".join(lines) + "\n")
    Path(a.out + ".json").write_text(json.dumps({"device": gpu, "torch": torch.__version__, "runs": results}, indent=2))
    return 0 if all(r["rc"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
