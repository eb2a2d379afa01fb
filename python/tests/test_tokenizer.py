"""Our BPE in Python against vectors written by the TypeScript tokenizer (src/data/tokenizer.ts): normalisation,
ids with and without specials/padding/truncation, decoding, and training (the same merges from the same corpus)."""

from __future__ import annotations

import json
import unittest

import fixtures

from sharelab_torch.tokenizer import BpeTokenizer, normalize_text


class TokenizerParity(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        ref = fixtures.ensure_ref(["shared-all"])  # the tokenizer vectors come with any case
        cls.tok = BpeTokenizer.load(ref / "tokenizer.json")
        cls.vec = json.loads((ref / "tokenizer-vectors.json").read_text())

    def test_encodings(self):
        n = 0
        for v in self.vec["vectors"]:
            with self.subTest(text=v["text"]):
                self.assertEqual(normalize_text(v["text"]), v["normalized"])
                self.assertEqual(self.tok.encode_ids(v["text"]), v["body"])
                ids, length, eot, trunc = self.tok.encode(v["text"], 16)
                self.assertEqual(ids.tolist(), v["ids16"])
                self.assertEqual((length, eot, trunc), (v["length16"], v["eot16"], v["truncated16"]))
                self.assertEqual(self.tok.decode(v["body"]), v["decoded"])
                n += 1
        self.assertGreater(n, 50)

    def test_training_gives_the_same_merges(self):
        t = BpeTokenizer.train(self.vec["corpus"], vocab_size=self.vec["vocabSize"])
        self.assertEqual([list(m) for m in t.merges], self.vec["merges"])
        self.assertEqual(t.to_json(), self.tok.to_json())

    def test_json_round_trip_and_validation(self):
        j = self.tok.to_json()
        self.assertEqual(BpeTokenizer.from_json(j).to_json(), j)
        with self.assertRaises(ValueError):
            BpeTokenizer.from_json({**j, "vocabSize": j["vocabSize"] + 1})
        with self.assertRaises(ValueError):
            BpeTokenizer.from_json({**j, "type": "wordpiece"})


if __name__ == "__main__":
    unittest.main()
