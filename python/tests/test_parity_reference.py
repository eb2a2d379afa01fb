"""PyTorch vs the browser's float64 reference (src/model/reference.ts), for every preset and variant in
python/tests/ts/cases.ts: the checkpoint written by TypeScript loads without conversion; layout, aliases and
initial weights match; embeddings and loss match in float64 (≤ 1e-10) and in float32 (≤ 1e-4 on embeddings); the
autograd gradient of every parameter view matches the reference's central finite differences along a random
direction."""

from __future__ import annotations

import json
import unittest

import numpy as np
import torch

from fixtures import case_dirs, ensure_ref

from sharelab_torch import checkpoint as ckpt
from sharelab_torch import safetensors as st
from sharelab_torch.config import PRESET_NAMES
from sharelab_torch.layout import build_layout
from sharelab_torch.model import ShareClip
from sharelab_torch.rng import initial_values


def load_case(d):
    ref = json.loads((d / "ref.json").read_text())
    ck = ckpt.read(d / "ckpt.safetensors")
    inp, _ = st.load_file(d / "inputs.safetensors")
    dirs, _ = st.load_file(d / "directions.safetensors")
    return ref, ck, inp, dirs


def run(ck, inp, dtype):
    model = ShareClip(ck.config).to(dtype)
    ckpt.load_into(model, ck)
    model.train()  # BatchNorm on batch statistics, as the reference
    img = torch.from_numpy(inp["images"]).to(dtype)
    ids, eot, lengths = (torch.from_numpy(inp[k]).long() for k in ("ids", "eot", "lengths"))
    e_img, e_txt = model(img, ids, eot, lengths)
    loss = model.loss(e_img, e_txt)
    return model, e_img, e_txt, loss


class ReferenceParity(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = ensure_ref()
        cls.cases = case_dirs(cls.root)
        cls.report = {}

    @classmethod
    def tearDownClass(cls):
        print("\nreference parity (max abs err):")
        for name, r in cls.report.items():
            print(f"  {name:22s} " + "  ".join(f"{k}={v:.2e}" for k, v in r.items()))

    def test_every_case_present(self):
        names = {json.loads((d / "ref.json").read_text())["case"] for d in self.cases}
        for p in PRESET_NAMES + ["ms-clip+layer0"]:
            self.assertIn(p, names)

    def test_layout_and_init(self):
        for d in self.cases:
            ref, ck, _, _ = load_case(d)
            with self.subTest(case=ref["case"]):
                L = build_layout(ck.config)
                got = [{"name": v.name, "shape": list(v.shape), "decay": v.decay, "offset": o, "names": v.names} for v, o in zip(L.views, L.offsets())]
                self.assertEqual(got, ref["layout"])
                self.assertEqual(L.aliases(), ck.aliases)
                init = initial_values(L, ref["seed"])  # our port of createModel's seeded init
                for v in L.views:
                    np.testing.assert_array_equal(init[v.name], ck.tensors[v.name], err_msg=v.name)

    def test_forward_loss_and_gradients(self):
        for d in self.cases:
            ref, ck, inp, dirs = load_case(d)
            name = ref["case"]
            with self.subTest(case=name):
                B, E = ref["B"], ck.config["embedDim"]
                rimg = np.array(ref["img"]).reshape(B, E)
                rtxt = np.array(ref["txt"]).reshape(B, E)

                m64, i64, t64, l64 = run(ck, inp, torch.float64)
                err64 = max(np.abs(i64.detach().numpy() - rimg).max(), np.abs(t64.detach().numpy() - rtxt).max())
                self.assertLess(err64, 1e-10)
                self.assertLess(abs(l64.item() - ref["loss"]), 1e-10)

                _, i32, t32, l32 = run(ck, inp, torch.float32)
                err32 = max(np.abs(i32.detach().numpy() - rimg).max(), np.abs(t32.detach().numpy() - rtxt).max())
                self.assertLess(err32, 1e-4)
                self.assertLess(abs(l32.item() - ref["loss"]), 1e-4)

                l64.backward()
                worst = 0.0
                for vname, p in m64.canonical_parameters():
                    g = p.grad if p.grad is not None else torch.zeros_like(p)
                    dd = float((g * torch.from_numpy(dirs[vname]).double()).sum())
                    fd = ref["dd"][vname]
                    err = abs(dd - fd) / (1e-6 + abs(fd))
                    worst = max(worst, err)
                    self.assertLess(abs(dd - fd), 1e-6 + 1e-5 * abs(fd), f"{name} {vname}: autograd·u {dd:.9g}, finite difference {fd:.9g}")
                self.report[name] = {"emb64": err64, "emb32": err32, "loss32": abs(l32.item() - ref["loss"]), "gradRel": worst}


if __name__ == "__main__":
    unittest.main()
