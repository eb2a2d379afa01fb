"""Distributed for real: train.py with 2 gloo processes (torch.multiprocessing.spawn, tcp init) against 1 process
with the same global batch, on this machine's CPU.

Tolerances: float64 runs must agree to 1e-9 (loss, gradient norm, every parameter) — only the summation order
differs; float32 runs to 1e-4 on the loss and 2e-4 on parameters after 4 steps. A 2-process run with per-rank
BatchNorm statistics (--no-sync-bn) is the control: on ms-clip it must NOT match, showing that global-batch
statistics are what make it exact.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np

import fixtures  # noqa: F401  (puts python/ on sys.path)
from sharelab_torch import tinydata

from sharelab_torch import checkpoint as ckpt

PY = sys.executable
REPO = fixtures.REPO


def train(out: Path, data: str, *extra: str, steps: int = 4) -> tuple[list[dict], ckpt.Checkpoint]:
    cmd = [PY, "-m", "sharelab_torch.train", "--data", data, "--out", str(out), "--batch-size", "8", "--steps", str(steps), "--log-every", "1",
           "--workers", "0", "--warmup", "1", "--lr", "2e-3", "--threads", "1", "--seed", "3", *extra]
    r = subprocess.run(cmd, cwd=REPO / "python", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
    if r.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed:\n{r.stdout[-3000:]}")
    lines = [json.loads(l) for l in (out / "metrics.jsonl").read_text().splitlines()]
    return lines, ckpt.read(out / "latest.safetensors")


def max_param_diff(a: ckpt.Checkpoint, b: ckpt.Checkpoint) -> float:
    return max(float(np.abs(a.tensors[k].astype(np.float64) - b.tensors[k]).max()) for k in a.tensors if not k.startswith("optim."))


class DdpMatchesOneProcess(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.root = Path(cls.tmp.name)
        cls.folder, cls.shards = tinydata.make(cls.root, n=48)
        cls.figures = []

    @classmethod
    def tearDownClass(cls):
        print("\n1 process vs 2 gloo processes (same global batch 8, 4 steps):")
        for f in cls.figures:
            print("  " + f)
        cls.tmp.cleanup()

    def compare(self, label, preset, dtype, loss_tol, param_tol, *extra):
        one, c1 = train(self.root / f"{label}-1", self.shards, "--preset", preset, "--dtype", dtype, *extra)
        two, c2 = train(self.root / f"{label}-2", self.shards, "--preset", preset, "--dtype", dtype, "--spawn", "2", *extra)
        self.assertEqual([m["step"] for m in one], [1, 2, 3, 4])
        self.assertEqual([m["step"] for m in two], [1, 2, 3, 4])
        dl = max(abs(a["loss"] - b["loss"]) for a, b in zip(one, two))
        dg = max(abs(a["gradNorm"] - b["gradNorm"]) / a["gradNorm"] for a, b in zip(one, two))
        dp = max_param_diff(c1, c2)
        self.figures.append(f"{label:28s} max |Δloss| {dl:.2e}  max rel Δ|g| {dg:.2e}  max |Δparam| {dp:.2e}  losses {[round(m['loss'], 5) for m in one]}")
        self.assertLess(dl, loss_tol)
        self.assertLess(dg, loss_tol)
        self.assertLess(dp, param_tol)
        # and the model learned something (loss moves), so the comparison is not between two constants
        self.assertNotAlmostEqual(one[0]["loss"], one[-1]["loss"], places=3)
        return one, two

    def test_ms_clip_infonce_float64(self):
        self.compare("ms-clip infonce float64", "ms-clip", "float64", 1e-9, 1e-6)  # params stored as f32

    def test_ms_clip_infonce_float32(self):
        self.compare("ms-clip infonce float32", "ms-clip", "float32", 1e-4, 2e-4)

    def test_shared_all_siglip_float64(self):
        self.compare("shared-all siglip float64", "shared-all", "float64", 1e-9, 1e-6, "--override", '{"loss":"siglip"}')

    def test_torchrun_environment(self):
        """What torchrun (and cluster launchers) hand each process: RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR/PORT.
        Debian's torchrun crashes here, so two processes are started by hand with that environment."""
        import os

        from sharelab_torch.train import free_port

        one, c1 = train(self.root / "env-1", self.shards, "--preset", "shared-attn", "--dtype", "float64")
        out = self.root / "env-2"
        port = str(free_port())
        procs = []
        for rank in range(2):
            env = {**os.environ, "RANK": str(rank), "LOCAL_RANK": str(rank), "WORLD_SIZE": "2", "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": port}
            cmd = [PY, "-m", "sharelab_torch.train", "--data", self.shards, "--out", str(out), "--batch-size", "8", "--steps", "4", "--log-every", "1",
                   "--workers", "0", "--warmup", "1", "--lr", "2e-3", "--threads", "1", "--seed", "3", "--preset", "shared-attn", "--dtype", "float64"]
            procs.append(subprocess.Popen(cmd, cwd=REPO / "python", env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
        logs = [p.communicate(timeout=300)[0] for p in procs]
        for p, log in zip(procs, logs):
            self.assertEqual(p.returncode, 0, log[-3000:])
        two = [json.loads(l) for l in (out / "metrics.jsonl").read_text().splitlines()]
        dl = max(abs(a["loss"] - b["loss"]) for a, b in zip(one, two))
        dp = max_param_diff(c1, ckpt.read(out / "latest.safetensors"))
        self.figures.append(f"{'shared-attn float64 (env://)':28s} max |Δloss| {dl:.2e}  max |Δparam| {dp:.2e}")
        self.assertEqual(len(two), 4)
        self.assertLess(dl, 1e-9)
        self.assertLess(dp, 1e-6)

    def test_per_rank_batchnorm_differs(self):
        one, _ = train(self.root / "ctl-1", self.shards, "--preset", "ms-clip", "--dtype", "float64")
        two, _ = train(self.root / "ctl-2", self.shards, "--preset", "ms-clip", "--dtype", "float64", "--spawn", "2", "--no-sync-bn")
        self.assertEqual(one[0]["step"], two[0]["step"])
        d = max(abs(a["loss"] - b["loss"]) for a, b in zip(one, two))
        self.figures.append(f"{'ms-clip --no-sync-bn (control)':28s} max |Δloss| {d:.2e} (expected to differ)")
        self.assertGreater(d, 1e-4)


if __name__ == "__main__":
    unittest.main()
