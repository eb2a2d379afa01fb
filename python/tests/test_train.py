"""train.py end to end on one CPU process: checkpoints in our format (metadata, aliases, AdamW moments, BatchNorm
buffers), exact resume, tar shards = ImageFolder, starting from a checkpoint the browser wrote, the schedule and
weight-decay groups of the browser, and the data order of its Batcher."""

from __future__ import annotations

import json
import math
import tempfile
import unittest
from pathlib import Path

import numpy as np
import torch

import fixtures
from sharelab_torch import checkpoint as ckpt
from sharelab_torch import tinydata
from sharelab_torch.data import Sampler, expand_shards, open_source, preprocess
from sharelab_torch.config import preset_config
from sharelab_torch.model import ShareClip
from sharelab_torch.optim import lr_at, param_groups
from sharelab_torch.train import main as train_main
from test_ddp import train


class TrainPy(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.root = Path(cls.tmp.name)
        cls.folder, cls.shards = tinydata.make(cls.root, n=40)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_checkpoint_format_and_metrics(self):
        m, c = train(self.root / "fmt", str(self.folder), "--preset", "ms-clip", "--checkpoint-every", "2", steps=4)
        self.assertEqual(set(m[0]), {"step", "loss", "gradNorm", "skipped", "logitScale", "lr", "epoch", "samples", "samplesPerSec", "elapsed"})
        self.assertTrue((self.root / "fmt" / "step-2.safetensors").exists())
        self.assertEqual(c.step, 4)
        self.assertEqual(c.hyper["batchSize"], 8)
        self.assertEqual(set(c.hyper), set(ckpt.DEFAULT_HYPER))
        model = ShareClip(c.config)
        self.assertEqual(c.aliases, model.layout.aliases())
        for v in model.layout.views:
            for pre in ("", "optim.m.", "optim.v."):
                self.assertEqual(c.tensors[pre + v.name].shape, v.shape)
                self.assertEqual(c.tensors[pre + v.name].dtype, np.float32)
        self.assertGreater(float(np.abs(c.tensors["optim.v.vision.stem.conv0.w"]).max()), 0)
        for n in model.buffer_names():  # BatchNorm running stats moved off their initial values
            self.assertIn("buffers." + n, c.tensors)
        self.assertGreater(float(np.abs(c.tensors["buffers.vision.stem.bn0.running_mean"]).max()), 0)
        self.assertEqual(c.tokenizer["type"], "bpe-bytes")
        self.assertEqual(c.config["text"]["vocabSize"], c.tokenizer["vocabSize"])

    def test_augment_changes_the_batches_and_is_recorded(self):
        # The same seed with and without --augment: same data order, other pixels (so other losses); the flag is in the hyper.
        plain, c0 = train(self.root / "plain", str(self.folder), "--preset", "separate", steps=2)
        aug, c1 = train(self.root / "aug", str(self.folder), "--preset", "separate", "--augment", steps=2)
        self.assertEqual((c0.hyper["augment"], c1.hyper["augment"]), (0, 1))
        self.assertNotEqual(plain[0]["loss"], aug[0]["loss"])
        again, _ = train(self.root / "aug2", str(self.folder), "--preset", "separate", "--augment", steps=2)
        self.assertEqual([r["loss"] for r in aug], [r["loss"] for r in again])  # seeded

    def test_resume_is_exact(self):
        # 6 steps straight (checkpoint at 3) vs resuming that step-3 checkpoint for the last 3 (same --steps: same schedule)
        straight, c1 = train(self.root / "straight", str(self.folder), "--preset", "ms-clip", "--checkpoint-every", "3", steps=6)
        rest, c2 = train(self.root / "rest", str(self.folder), "--resume", str(self.root / "straight" / "step-3.safetensors"), steps=6)
        self.assertEqual([r["step"] for r in rest], [4, 5, 6])
        for a, b in zip(straight[3:], rest):
            self.assertEqual(a["lr"], b["lr"])
            self.assertAlmostEqual(a["loss"], b["loss"], delta=1e-6)
        for k in c1.tensors:
            np.testing.assert_allclose(c1.tensors[k], c2.tensors[k], atol=1e-6, err_msg=k)

    def test_tar_shards_equal_image_folder(self):
        a, _ = open_source(str(self.folder))
        b, _ = open_source(self.shards)
        self.assertEqual(len(a), 40)
        self.assertEqual([x.captions for x in a], [x.captions for x in b])
        np.testing.assert_array_equal(preprocess(a[3].read(), 32), preprocess(b[3].read(), 32))
        self.assertEqual(expand_shards("x/p-{08..10}.tar"), ["x/p-08.tar", "x/p-09.tar", "x/p-10.tar"])

    def test_init_from_a_browser_checkpoint(self):
        ref = fixtures.ensure_ref(["shared-all"])
        src = ref / "shared-all" / "ckpt.safetensors"
        m, c = train(self.root / "init", str(self.folder), "--init", str(src), "--lr", "0", "--min-lr", "0", steps=2)
        # lr 0 throughout: the weights that come out are exactly the browser's (loaded without conversion), the
        # config and tokenizer travel along, and the AdamW moments are fresh (written, non-zero after 2 steps)
        first = ckpt.read(src)
        self.assertEqual([x["lr"] for x in m], [0, 0])
        self.assertEqual(c.config, first.config)
        self.assertEqual(c.tokenizer, first.tokenizer)
        for v in ShareClip(first.config).layout.views:
            np.testing.assert_array_equal(c.tensors[v.name], first.tensors[v.name], err_msg=v.name)
        self.assertGreater(float(np.abs(c.tensors["optim.v.shared.blocks.0.attn.qkv.w"]).max()), 0)

    def test_experiment_file(self):
        exp = fixtures.REPO / "experiments" / "smoke.json"
        out = self.root / "exp"
        train_main(["--experiment", str(exp), "--preset", "shared-all", "--data", str(self.folder), "--out", str(out), "--steps", "2", "--workers", "0"])
        c = ckpt.read(out / "latest.safetensors")
        spec = json.loads(exp.read_text())
        want = preset_config("shared-all", spec["model"])
        want["text"]["vocabSize"] = c.tokenizer["vocabSize"]
        self.assertEqual(c.config, want)
        self.assertEqual((c.hyper["batchSize"], c.hyper["warmup"], c.hyper["logEvery"], c.hyper["steps"]), (16, 1, 3, 2))  # file, file, file, command line
        self.assertEqual(c.seed, spec["seeds"][0])

    def test_preprocess_matches_the_browser_rules(self):
        from PIL import Image
        import io

        im = Image.new("RGBA", (6, 4), (255, 0, 0, 0))  # fully transparent red → white after compositing
        im.putpixel((1, 0), (0, 0, 255, 255))  # outside the centre crop (x ∈ [1, 5))? no: inside
        buf = io.BytesIO()
        im.save(buf, format="PNG")
        x = preprocess(buf.getvalue(), 4)
        self.assertEqual(x.shape, (3, 4, 4))
        white = (1 - np.array([0.48145466, 0.4578275, 0.40821073])) / np.array([0.26862954, 0.26130258, 0.27577711])
        np.testing.assert_allclose(x[:, 3, 3], white, rtol=1e-6)

    def test_schedule_and_decay_groups(self):
        # lrAt of src/kernels/optimizer.ts, 1-based steps
        self.assertEqual(lr_at(0, 1e-3, 10, 100), 0)
        self.assertAlmostEqual(lr_at(5, 1e-3, 10, 100), 5e-4)
        self.assertAlmostEqual(lr_at(10, 1e-3, 10, 100, 1e-5), 1e-3)
        self.assertAlmostEqual(lr_at(55, 1e-3, 10, 100, 1e-5), 1e-5 + 0.5 * (1e-3 - 1e-5) * (1 + math.cos(math.pi * 0.5)))
        self.assertEqual(lr_at(100, 1e-3, 10, 100, 1e-5), 1e-5)
        model = ShareClip(json.loads('{"sharing": {"preset": "ms-clip"}, "vision": {"stem": "conv", "parallelBranch": true}}'))
        groups = {g["group"]: g for g in param_groups(model, {"weightDecay": 0.1})}  # default multipliers
        names = {id(p): n for n, p in model.canonical_parameters()}
        self.assertEqual(groups["shared"]["weight_decay"], 0.1)
        self.assertEqual(groups["specific"]["weight_decay"], 0.1)
        self.assertEqual(groups["noDecay"]["weight_decay"], 0.0)
        shared = {names[id(p)] for p in groups["shared"]["params"]}
        specific = {names[id(p)] for p in groups["specific"]["params"]}
        dn = shared | specific
        nn_ = {names[id(p)] for p in groups["noDecay"]["params"]}
        self.assertIn("shared.blocks.1.attn.qkv.w", shared)
        self.assertIn("vision.stem.conv0.w", specific)
        for n in ("text.tok", "vision.pos", "vision.cls", "logit_scale", "vision.stem.bn0.g", "shared.blocks.1.mlp.fc.b", "vision.fuse0.ln.g"):
            self.assertIn(n, nn_)
        self.assertEqual(len(dn) + len(nn_), len(model.layout.views))

    def test_sampler_is_the_browser_batcher_order(self):
        # Batcher: epoch e shuffles with Rng(seed).fork(e + 1), then one caption per image from the same generator.
        from sharelab_torch.rng import Rng

        s = Sampler([2, 1, 3, 1, 2, 2, 1], batch_size=3, seed=9)
        rng = Rng(9).fork(1)
        order = rng.shuffle(list(range(7)))
        caps = [rng.int([2, 1, 3, 1, 2, 2, 1][p]) for p in order]
        self.assertEqual(s.batch(0), list(zip(order[:3], caps[:3])))
        self.assertEqual(s.batch(1), list(zip(order[3:6], caps[3:6])))
        self.assertEqual(s.batch(0, rank=1, world=3), [(order[1], caps[1])])
        self.assertNotEqual(s.batch(2), s.batch(0))  # epoch 1 reshuffles

    def test_shared_weights_are_one_parameter(self):
        model = ShareClip({"sharing": {"preset": "shared-all"}})
        self.assertIs(getattr(model.vision.blocks, "0").attn.qkv.w, getattr(model.text.blocks, "0").attn.qkv.w)
        self.assertIs(model.p("vision.blocks.2.mlp.fc.w"), model.p("text.blocks.2.mlp.fc.w"))
        self.assertIs(model.p("vision.ln_final.g"), model.p("shared.ln_final.g"))
        self.assertIn("vision.blocks.2.mlp.fc.w", model.state_dict())  # state_dict keys = the browser's names
        sep = ShareClip({"sharing": {"preset": "separate"}})
        self.assertIsNot(sep.p("vision.blocks.2.mlp.fc.w"), sep.p("text.blocks.2.mlp.fc.w"))
        self.assertEqual(sum(p.numel() for p in model.parameters()), sum(v.size for v in model.layout.views))  # counted once
        # the shared tensor's gradient is the sum of both towers' contributions
        torch.manual_seed(0)
        B, T = 2, model.cfg["text"]["contextLength"]
        x = (torch.randn(B, 3, 32, 32), torch.randint(3, 300, (B, T)), torch.tensor([5, 9]), torch.tensor([6, 10]))
        w = model.p("shared.blocks.1.attn.qkv.w")
        grads = []
        for f in (lambda i, t: i.sum() + (t * t).sum(), lambda i, t: i.sum(), lambda i, t: (t * t).sum()):
            model.zero_grad()
            f(*model(*x)).backward()
            grads.append(w.grad.clone())
        self.assertGreater(float(grads[1].abs().max()), 0)
        self.assertGreater(float(grads[2].abs().max()), 0)
        torch.testing.assert_close(grads[0], grads[1] + grads[2])

if __name__ == "__main__":
    unittest.main()
