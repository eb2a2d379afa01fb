"""The torch engine of `npm run experiment` (sharelab_torch.experiment + prepared.py), without Node: a prepared
folder is written here in the TypeScript side's format (src/experiment/torch-data.ts), then trained and evaluated.
The TypeScript side and the browser comparison are scripts/engine-parity.mjs (npm test)."""

from __future__ import annotations

import json
import math
import tempfile
import unittest
from pathlib import Path

import numpy as np
import torch

import fixtures  # noqa: F401  (puts python/ on sys.path)

from sharelab_torch import safetensors as st
from sharelab_torch.checkpoint import load_model
from sharelab_torch.config import preset_config
from sharelab_torch.data import Sampler
from sharelab_torch.experiment import main as experiment_main
from sharelab_torch.prepared import FORMAT, PreparedData
from sharelab_torch.tokenizer import BpeTokenizer

T, S, N, NI = 8, 16, 24, 10
WORDS = ["red", "green", "blue", "square", "circle", "small", "large"]


def write_prepared(root: Path, seed: int = 0) -> tuple[BpeTokenizer, dict]:
    """A data.safetensors like torch-data.ts writes: random images, 1–3 captions per image, zero-shot prompts."""
    rng = np.random.default_rng(seed)
    caps = [[" ".join(rng.choice(WORDS, 3)) for _ in range(1 + i % 3)] for i in range(N + NI)]
    tok = BpeTokenizer.train((c for cs in caps[:N] for c in cs), vocab_size=280)

    def enc(texts: list[str]):
        rows = [tok.encode(t, T) for t in texts]
        return (np.array([r[0] for r in rows], np.int32), np.array([r[2] for r in rows], np.int32), np.array([r[1] for r in rows], np.int32))

    train_texts = [c for cs in caps[:N] for c in cs]
    counts = np.array([len(cs) for cs in caps[:N]], np.int32)
    val_texts = [c for cs in caps[N:] for c in cs]
    tensors = {"train.images": rng.standard_normal((N, 3, S, S)).astype(np.float32), "train.capCount": counts,
               "train.capStart": np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int32), "val.images": rng.standard_normal((NI, 3, S, S)).astype(np.float32)}
    for prefix, texts in (("train", train_texts), ("val", val_texts), ("zs", ["a red square", "a blue circle", "small", "large"])):
        tensors[f"{prefix}.ids"], tensors[f"{prefix}.eot"], tensors[f"{prefix}.lengths"] = enc(texts)
    st.save_file(root / "data.safetensors", tensors, {"format": FORMAT, "tokenizer": json.dumps(tok.to_json()), "contextLength": str(T)})
    return tok, tensors


def plan(root: Path, tok: BpeTokenizer, presets=("separate", "shared-all"), steps: int = 4) -> None:
    small = {"vision": {"imageSize": S, "patchSize": 8, "width": 16, "depth": 1, "heads": 2, "mlpRatio": 2},
             "text": {"width": 16, "depth": 1, "heads": 2, "mlpRatio": 2, "contextLength": T, "vocabSize": tok.vocab_size}, "embedDim": 16}
    hyper = {"batchSize": 8, "steps": steps, "lr": 1e-3, "minLr": 1e-5, "warmup": 1, "weightDecay": 0.1, "beta1": 0.9, "beta2": 0.98, "eps": 1e-6,
             "gradClip": 1, "logEvery": 2, "evalEvery": 2, "checkpointEvery": 0}
    runs = [{"id": f"{p}-s3", "preset": p, "seed": 3, "config": preset_config(p, small), "hyper": hyper} for p in presets]
    (root / "plan.json").write_text(json.dumps({"format": "sharelab-torch-plan/1", "experiment": {}, "runs": runs}))


class PreparedTest(unittest.TestCase):
    def test_batch_is_the_batchers_pair(self):
        with tempfile.TemporaryDirectory() as d:
            _, t = write_prepared(Path(d))
            data = PreparedData(d)
            pairs = Sampler(data.caption_counts, 8, 5).batch(4)  # epoch 1: a reshuffled order
            images, ids, eot, lengths = data.batch(pairs)
            for k, (p, c) in enumerate(pairs):
                row = int(t["train.capStart"][p]) + c
                self.assertLess(c, t["train.capCount"][p])
                np.testing.assert_array_equal(images[k].numpy(), t["train.images"][p])
                np.testing.assert_array_equal(ids[k].numpy(), t["train.ids"][row])
                self.assertEqual((int(eot[k]), int(lengths[k])), (int(t["train.eot"][row]), int(t["train.lengths"][row])))


class ExperimentTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.root = Path(cls.tmp.name)
        cls.tok, cls.t = write_prepared(cls.root)
        plan(cls.root, cls.tok)
        experiment_main([str(cls.root), "--device", "cpu"])

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_outputs_of_every_run(self):
        for rid in ("separate-s3", "shared-all-s3"):
            rd = self.root / "runs" / rid
            recs = [json.loads(l) for l in (rd / "metrics.jsonl").read_text().splitlines()]
            self.assertEqual([r["step"] for r in recs], [1, 2, 3, 4])  # every step, as the browser's history
            self.assertTrue(all(math.isfinite(r["loss"]) and r["logitScale"] > 0 for r in recs))
            self.assertEqual(sorted(p.name for p in rd.glob("eval-*.safetensors")), ["eval-2.safetensors", "eval-4.safetensors"])
            info = json.loads((rd / "run.json").read_text())
            self.assertEqual((info["status"], info["world"], info["hyper"]["evalEvery"]), ("done", 1, 2))

    def test_eval_embeddings_are_the_checkpoints(self):
        """eval-4 holds the final model's inference-mode embeddings of the val images, captions and prompts."""
        rd = self.root / "runs" / "shared-all-s3"
        emb, meta = st.load_file(rd / "eval-4.safetensors")
        model, ck = load_model(rd / "latest.safetensors")
        model.eval()
        t = {k: torch.from_numpy(v) for k, v in self.t.items()}
        with torch.no_grad():
            img = model.encode_image(t["val.images"]).numpy()
            txt = model.encode_text(t["val.ids"], t["val.eot"], t["val.lengths"]).numpy()
            pr = model.encode_text(t["zs.ids"], t["zs.eot"], t["zs.lengths"]).numpy()
        self.assertEqual((emb["img"].shape, emb["txt"].shape, emb["prompts"].shape), (img.shape, txt.shape, pr.shape))
        for a, b in ((emb["img"], img), (emb["txt"], txt), (emb["prompts"], pr)):
            np.testing.assert_allclose(a, b, atol=1e-6)
        np.testing.assert_allclose(np.linalg.norm(emb["img"], axis=1), 1, atol=1e-5)
        self.assertEqual((ck.step, int(meta["step"])), (4, 4))
        self.assertAlmostEqual(float(meta["logitScale"]), math.exp(model.p("logit_scale").item()), places=5)
        self.assertEqual((float(meta["logitScaleParam"]), float(meta["logitBias"])), (model.p("logit_scale").item(), 0.0))  # the val loss's parameters
        self.assertEqual(ck.tokenizer, self.tok.to_json())  # the prepared tokenizer travels with the checkpoint

    def test_two_processes_match_one(self):
        """--nproc 2 (gloo, spawned) trains the same global batches: same losses to float32 tolerance."""
        with tempfile.TemporaryDirectory() as d:
            root = Path(d)
            tok, _ = write_prepared(root)
            plan(root, tok, presets=("shared-all",), steps=2)
            experiment_main([str(root), "--device", "cpu", "--nproc", "2"])
            two = [json.loads(l)["loss"] for l in (root / "runs" / "shared-all-s3" / "metrics.jsonl").read_text().splitlines()]
        one = [json.loads(l)["loss"] for l in (self.root / "runs" / "shared-all-s3" / "metrics.jsonl").read_text().splitlines()][:2]
        np.testing.assert_allclose(two, one, rtol=1e-5)


if __name__ == "__main__":
    unittest.main()
