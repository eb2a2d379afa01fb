"""Train the runs of an experiment plan written by `npm run experiment -- experiments/X.json --engine torch` (or its
`--prepare-only DIR`): DIR/plan.json (each run's id, preset, seed, final config, browser hyper-parameters) and
DIR/data.safetensors (the browser worker's own tensors, see prepared.py). Each run writes DIR/runs/<id>/:
metrics.jsonl, eval-<step>.safetensors (validation embeddings; the TypeScript side computes every metric from them),
latest.safetensors (a playground checkpoint) and run.json.

  python -m sharelab_torch.experiment DIR                       # every run, one after the other, in this process
  python -m sharelab_torch.experiment DIR --run shared-all-s1   # one run (what npm run experiment starts per run)
  python -m sharelab_torch.experiment DIR --device cuda --amp bf16 --nproc 8

This needs no Node: a GPU machine runs it on a copied DIR; `npm run experiment -- X.json --engine torch --collect DIR`
then computes the metrics and the report back where Node is.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Optional

PLAN_FORMAT = "sharelab-torch-plan/1"

#: plan hyper field → train.py flag (train.py's defaults are the browser's; evalEvery drives --eval-every)
_FLAGS = {"batchSize": "--batch-size", "steps": "--steps", "lr": "--lr", "minLr": "--min-lr", "warmup": "--warmup", "weightDecay": "--weight-decay",
          "beta1": "--beta1", "beta2": "--beta2", "eps": "--eps", "gradClip": "--grad-clip", "logEvery": "--log-every",
          "checkpointEvery": "--checkpoint-every", "evalEvery": "--eval-every",
          # MS-CLIP's per-group optimiser multipliers (hyper.ts groupMults; train.py _MULT_ARGS)
          "lrMultShared": "--lr-mult-shared", "wdMultShared": "--wd-mult-shared", "lrMultSpecific": "--lr-mult-specific",
          "wdMultSpecific": "--wd-mult-specific", "lrMultNoDecay": "--lr-mult-no-decay", "wdMultNoDecay": "--wd-mult-no-decay"}
#: browser-runner options the torch engine does not implement: a plan asking for them is refused, never run without them
_UNSUPPORTED = ("augment", "keepBest", "earlyStop")


def load_plan(plan_dir: Path) -> dict[str, Any]:
    plan = json.loads((plan_dir / "plan.json").read_text())
    if plan.get("format") != PLAN_FORMAT:
        raise SystemExit(f"{plan_dir}/plan.json: not a {PLAN_FORMAT} file")
    return plan


def train_argv(plan_dir: Path, run: dict[str, Any], a: argparse.Namespace) -> list[str]:
    """train.py's command line for one planned run (its config is written next to its outputs)."""
    out = plan_dir / "runs" / run["id"]
    out.mkdir(parents=True, exist_ok=True)
    for stale in (*out.glob("eval-*.safetensors"), out / "metrics.jsonl", out / "run.json"):
        stale.unlink(missing_ok=True)  # a rerun starts clean: metrics.jsonl is appended to
    (out / "config.json").write_text(json.dumps(run["config"], indent=1))
    argv = ["--config", str(out / "config.json"), "--prepared", str(plan_dir), "--out", str(out), "--seed", str(run["seed"]), "--device", a.device]
    if run["hyper"].get("lrMultVision", 1) != 1:
        raise SystemExit(f"run {run['id']}: hyper lrMultVision is a teacher-run (LLM2CLIP) setting; the torch engine has no teacher mode — set it to 1 or use --engine browser")
    asked = [k for k in _UNSUPPORTED if run["hyper"].get(k)]
    if asked:
        raise SystemExit(f"run {run['id']}: hyper {', '.join(asked)} is not implemented by the torch engine (browser engine only); set it to 0 or use --engine browser")
    for k, flag in _FLAGS.items():
        if k in run["hyper"]:
            argv += [flag, repr(run["hyper"][k]) if isinstance(run["hyper"][k], float) else str(run["hyper"][k])]
    if a.amp != "none":
        argv += ["--amp", a.amp]
    if a.threads:
        argv += ["--threads", str(a.threads)]
    if a.no_save:
        argv.append("--no-save")
    if a.nproc > 1:
        argv += ["--spawn", str(a.nproc)]
    return argv


def main(argv: Optional[list[str]] = None) -> None:
    p = argparse.ArgumentParser(prog="python -m sharelab_torch.experiment", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dir", help="the plan folder (plan.json + data.safetensors)")
    p.add_argument("--run", action="append", help="run id(s) to train (default: all)")
    p.add_argument("--device", default="auto", help="auto (CUDA when available), cpu, cuda")
    p.add_argument("--nproc", type=int, default=1, help="DDP processes per run (gloo on CPU, NCCL on CUDA)")
    p.add_argument("--amp", default="none", choices=["none", "bf16", "fp16"], help="autocast on CUDA")
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads per process (0 = torch's default)")
    p.add_argument("--no-save", action="store_true", help="no checkpoints (timing studies); the metrics need only the eval files")
    a = p.parse_args(argv)
    plan_dir = Path(a.dir)
    plan = load_plan(plan_dir)
    runs = [r for r in plan["runs"] if not a.run or r["id"] in a.run]
    if a.run and len(runs) != len(a.run):
        raise SystemExit(f"unknown run id in {a.run}; the plan has {[r['id'] for r in plan['runs']]}")
    from . import train

    for i, run in enumerate(runs):
        print(f"[sharelab] run {i + 1}/{len(runs)} {run['id']}", file=sys.stderr, flush=True)
        train.main(train_argv(plan_dir, run, a))


if __name__ == "__main__":
    main()
