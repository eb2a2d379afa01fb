"""PyTorch vs the WGSL engine, from the dump e2e/torch-parity.spec.ts leaves in test-results/torch-parity (the
spec itself runs this comparison right after dumping; this re-checks a dump when one is present)."""

from __future__ import annotations

import unittest

import fixtures

from sharelab_torch.parity import TOL, check_wgsl


@unittest.skipUnless(any(fixtures.WGSL.glob("*/wgsl.json")), f"no WGSL dump in {fixtures.WGSL} (run e2e/torch-parity.spec.ts)")
class WgslParity(unittest.TestCase):
    def test_every_dumped_case(self):
        rows = check_wgsl(fixtures.WGSL)
        print("\nWGSL vs PyTorch (fp32):")
        for r in rows:
            print(f"  {r['case']:22s} emb {r['emb']:.2e} embEval {r['embEval']:.2e} loss {r['loss']:.2e} grad {r['grad']:.2e} buffers {r['buffers']:.2e}")
        for r in rows:
            with self.subTest(case=r["case"]):
                self.assertLess(r["emb"], TOL["embeddings"])
                self.assertLess(r["embEval"], TOL["embeddings"])
                self.assertLess(r["loss"], TOL["loss"])
                self.assertLess(r["grad"], TOL["grad"])
                self.assertLess(r["buffers"], TOL["buffers"])


if __name__ == "__main__":
    unittest.main()
