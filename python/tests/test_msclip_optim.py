"""The PyTorch twin's side of issue 16: MS-CLIP's Early Specialization as released (the conv stem IS vision layer 0),
a parallel branch that fuses at least twice at depth 4 or is refused, the three optimiser groups with their
multipliers, and the logit-scale clamp after the step (open_clip). Layout parity with TypeScript is checked by
test_parity_reference.py; these are the rules themselves."""

from __future__ import annotations

import math
import unittest

import torch

import fixtures  # noqa: F401  (puts python/ on sys.path)
from sharelab_torch.config import PRESET_NAMES, branch_plan, preset_config
from sharelab_torch.layout import build_layout
from sharelab_torch.model import ShareClip
from sharelab_torch.optim import clamp_logit_scale, group_mults, make_optimizer, set_lr


class MsClipRelease(unittest.TestCase):
    def test_preset_list_is_the_json_index(self):
        self.assertEqual(PRESET_NAMES[0], "separate")
        self.assertIn("ms-clip", PRESET_NAMES)

    def test_stem_is_layer_zero_and_no_release_biases(self):
        L = build_layout(preset_config("ms-clip"))
        self.assertNotIn("vision.blocks.0.attn.qkv.w", L.by_name)
        self.assertIn("text.blocks.0.attn.qkv.w", L.by_name)
        self.assertNotIn("vision.stem.proj.b", L.by_name)
        self.assertNotIn("vision.fuse0.map_proj.b", L.by_name)
        ours = build_layout(preset_config("ms-clip", {"vision": {"stem": "conv-plus-layer0"}}))
        self.assertIn("vision.blocks.0.attn.qkv.w", ours.by_name)

    def test_branch_fuses_twice_at_depth_4_or_is_refused(self):
        self.assertEqual([f.layer for f in branch_plan(preset_config("ms-clip")).fusions], [1, 3])
        self.assertEqual([f.layer for f in branch_plan(preset_config("ms-clip", {"vision": {"depth": 12, "patchSize": 32, "imageSize": 64}, "text": {"depth": 12}})).fusions], [2, 4, 6, 8, 10])
        with self.assertRaisesRegex(ValueError, "fuse nowhere"):
            build_layout(preset_config("separate", {"vision": {"parallelBranch": True}}))


class OptimiserGroups(unittest.TestCase):
    def test_group_lr_and_wd_reach_adamw(self):
        torch.manual_seed(0)
        model = ShareClip(preset_config("ms-clip")).double()
        hyper = {"lr": 1e-2, "beta1": 0.9, "beta2": 0.98, "eps": 1e-6, "weightDecay": 0.1, "lrMultShared": 0.5, "wdMultShared": 2.0, "lrMultNoDecay": 0.25}
        opt = make_optimizer(model, hyper)
        groups = {g["group"]: g for g in opt.param_groups}
        self.assertEqual(set(groups), {"noDecay", "specific", "shared"})
        self.assertAlmostEqual(groups["shared"]["weight_decay"], 0.2)
        self.assertEqual(groups["noDecay"]["weight_decay"], 0.0)
        set_lr(opt, 1e-2)
        self.assertAlmostEqual(groups["shared"]["lr"], 5e-3)
        self.assertAlmostEqual(groups["noDecay"]["lr"], 2.5e-3)
        self.assertAlmostEqual(groups["specific"]["lr"], 1e-2)
        shared = model.p("shared.blocks.1.attn.qkv.w")
        self.assertTrue(any(p is shared for p in groups["shared"]["params"]))
        # One step with a unit gradient on a shared weight: |Δ| = lr·0.5·(1 + wd·2·|x|-ish), not the base lr.
        before = shared.detach().clone()
        for p in model.parameters():
            p.grad = torch.zeros_like(p)
        shared.grad = torch.ones_like(shared)
        opt.step()
        expect = before - 5e-3 * (1 / (1 + 1e-6) + 0.2 * before)
        torch.testing.assert_close(shared.detach(), expect, rtol=1e-9, atol=1e-12)

    def test_vision_groups_mirror_hyper_ts(self):
        # hyper.ts groupMults: a teacher run's vision tower steps at its base group's lr × lrMultVision, decays as it.
        m = group_mults({"lrMultNoDecay": 0.5, "wdMultNoDecay": 0.25, "lrMultSpecific": 2.0, "lrMultVision": 0.1})
        self.assertEqual(m["visionNoDecay"], (0.05, 0.25))
        self.assertAlmostEqual(m["visionSpecific"][0], 0.2)
        self.assertEqual(m["visionSpecific"][1], 1.0)
        self.assertEqual(group_mults({})["visionSpecific"], (1.0, 1.0))
        # The twin has no teacher mode: a teacher config is refused, never built as a two-tower model.
        with self.assertRaisesRegex(ValueError, "teacher mode"):
            ShareClip(preset_config("separate", {"teacher": {"dim": 8, "adapter": "linear"}}))

    def test_logit_scale_clamped_after_the_step(self):
        model = ShareClip(preset_config("separate"))
        with torch.no_grad():
            model.p("logit_scale").fill_(5.0)
        clamp_logit_scale(model)
        self.assertAlmostEqual(model.p("logit_scale").item(), math.log(100), places=6)
        sig = ShareClip(preset_config("separate", {"loss": "siglip"}))
        with torch.no_grad():
            sig.p("logit_scale").fill_(5.0)
        clamp_logit_scale(sig)  # SigLIP: no cap, as released
        self.assertEqual(sig.p("logit_scale").item(), 5.0)


if __name__ == "__main__":
    unittest.main()
