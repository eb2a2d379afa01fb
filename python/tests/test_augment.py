"""Seeded augmentation in Python (sharelab_torch/augment.py) against vectors written by the TypeScript twin
(src/data/augment.ts, via python/tests/ts/augment.test.ts): the same crop parameters and the same float32 pixels
for the same (seed, step, slot), bit for bit; and the data path's keyed rows (Sampler.keyed_batch)."""

from __future__ import annotations

import json
import os
import subprocess
import unittest

import numpy as np

import fixtures

from sharelab_torch.augment import AugmentOptions, apply_crop, augment_params, names_side
from sharelab_torch.data import Sampler


def vectors() -> dict:
    path = fixtures.REF / "augment-vectors.json"
    src = fixtures.REPO / "src/data/augment.ts"
    if not path.exists() or path.stat().st_mtime < src.stat().st_mtime:
        cmd = ["npx", "--no-install", "vitest", "run", "--config", "python/tests/ts/vitest.config.ts", "python/tests/ts/augment.test.ts"]
        r = subprocess.run(cmd, cwd=fixtures.REPO, env={**os.environ, "TORCH_FIXTURES": str(fixtures.REF)}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"augmentation vectors failed:\n{r.stdout[-4000:]}")
    return json.loads(path.read_text())


class AugmentParity(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.data = vectors()

    def test_params_and_pixels_bit_for_bit(self):
        o = self.data["options"]
        opts = AugmentOptions(o["minScale"], o["maxScale"], o["minRatio"], o["maxRatio"], o["flip"])
        self.assertEqual(opts, AugmentOptions())  # the defaults agree too
        for v in self.data["vectors"]:
            with self.subTest(seed=v["seed"], step=v["step"], slot=v["slot"], S=v["S"]):
                p = augment_params(v["seed"], v["step"], v["slot"], v["S"], v["flipOk"], opts)
                want = v["params"]
                self.assertEqual((p.x0, p.y0, p.w, p.h, p.flip), (want["x0"], want["y0"], want["w"], want["h"], want["flip"]))
                img = np.asarray(v["img"], np.float32).reshape(3, v["S"], v["S"])
                out = apply_crop(img, p)
                np.testing.assert_array_equal(out.reshape(-1), np.asarray(v["out"], np.float32))
        self.assertTrue(any(v["params"]["flip"] for v in self.data["vectors"]))
        self.assertFalse(any(v["params"]["flip"] for v in self.data["vectors"] if not v["flipOk"]))

    def test_side_words_block_the_flip(self):
        self.assertTrue(names_side(["a red circle LEFT of a square"]))
        self.assertTrue(names_side(["the rightmost one"]))
        self.assertFalse(names_side(["a bright light", "copyright"]))

    def test_keyed_rows_are_global_slots(self):
        s = Sampler([1] * 40, 8, seed=3)
        whole = s.keyed_batch(5)
        self.assertEqual([r[3] for r in whole], list(range(8)))
        halves = s.keyed_batch(5, 0, 2) + s.keyed_batch(5, 1, 2)
        self.assertEqual(halves, whole)  # two ranks augment exactly what one process would
        self.assertEqual([r[:2] for r in whole], s.batch(5))


if __name__ == "__main__":
    unittest.main()
