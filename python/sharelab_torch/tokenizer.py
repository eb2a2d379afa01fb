"""Our byte-level BPE (src/data/tokenizer.ts), reading the same JSON ("bpe-bytes" v1) and producing the same ids.

Ids: 0 <|pad|>, 1 <|sot|>, 2 <|eot|>, 3..258 the bytes (byte + 3), then merge k → 259 + k.
Normalisation: lone surrogates → U+FFFD, lowercase, every run of JavaScript whitespace → one space, trim.
Pre-tokenisation: a space is prepended, then chunks / ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+/ (no merge crosses a
chunk). Python's `re` has no \\p{..}, so the chunker is a small scanner over unicodedata categories, with the
ECMAScript \\s set spelled out. Training (same deterministic merges as the browser) is here too, so train.py can
build a tokenizer from a dataset when none is given.
"""

from __future__ import annotations

import heapq
import json
import unicodedata
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

PAD_ID, SOT_ID, EOT_ID = 0, 1, 2
BYTE_OFFSET = 3
FIRST_MERGE_ID = BYTE_OFFSET + 256
KEY = 1 << 20

# ECMAScript WhiteSpace + LineTerminator (what \s and String.prototype.trim use).
JS_SPACE = frozenset("\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff")


def normalize_text(text: str) -> str:
    t = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text).lower()
    out: list[str] = []
    space = False
    for c in t:
        if c in JS_SPACE:
            space = True
            continue
        if space and out:
            out.append(" ")
        space = False
        out.append(c)
    return "".join(out)


def _cls(c: str) -> str:
    if c in JS_SPACE:
        return "s"
    cat = unicodedata.category(c)[0]
    return "L" if cat == "L" else "N" if cat == "N" else "o"


def chunks(text: str) -> list[str]:
    t = normalize_text(text)
    if not t:
        return []
    s = " " + t
    out: list[str] = []
    i, n = 0, len(s)
    while i < n:
        start = i
        c = _cls(s[i])
        if s[i] == " " and i + 1 < n and _cls(s[i + 1]) != "s":
            i += 1  # the optional leading space of the L / N / other alternatives
            c = _cls(s[i])
        j = i + 1
        while j < n and _cls(s[j]) == c:
            j += 1
        out.append(s[start:j])
        i = j
    return out


def _merge_pair(seq: Sequence[int], a: int, b: int, new: int) -> list[int]:
    out: list[int] = []
    j = 0
    while j < len(seq):
        if j + 1 < len(seq) and seq[j] == a and seq[j + 1] == b:
            out.append(new)
            j += 2
        else:
            out.append(seq[j])
            j += 1
    return out


class BpeTokenizer:
    def __init__(self, merges: Iterable[Sequence[int]]) -> None:
        self.merges = [(int(a), int(b)) for a, b in merges]
        self.rank: dict[int, int] = {}
        self.bytes_of: list[bytes] = [b""] * BYTE_OFFSET + [bytes([i]) for i in range(256)]
        for k, (a, b) in enumerate(self.merges):
            nid = FIRST_MERGE_ID + k
            if not (BYTE_OFFSET <= a < nid and BYTE_OFFSET <= b < nid):
                raise ValueError(f"bad merge {k}: [{a}, {b}]")
            self.rank[a * KEY + b] = k
            self.bytes_of.append(self.bytes_of[a] + self.bytes_of[b])
        self._cache: dict[str, list[int]] = {}

    @property
    def vocab_size(self) -> int:
        return FIRST_MERGE_ID + len(self.merges)

    # ------------------------------------------------------------------ JSON

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "bpe-bytes",
            "version": 1,
            "normalization": "lowercase+collapse-whitespace+prefix-space",
            "specials": {"<|pad|>": PAD_ID, "<|sot|>": SOT_ID, "<|eot|>": EOT_ID},
            "byteOffset": BYTE_OFFSET,
            "vocabSize": self.vocab_size,
            "merges": [[a, b] for a, b in self.merges],
        }

    @classmethod
    def from_json(cls, j: dict[str, Any]) -> "BpeTokenizer":
        if not isinstance(j, dict) or j.get("type") != "bpe-bytes" or j.get("version") != 1:
            raise ValueError("not a bpe-bytes v1 tokenizer")
        s = j["specials"]
        if s.get("<|pad|>") != PAD_ID or s.get("<|sot|>") != SOT_ID or s.get("<|eot|>") != EOT_ID or j.get("byteOffset") != BYTE_OFFSET:
            raise ValueError("unsupported special-token / byte layout")
        t = cls(j["merges"])
        if t.vocab_size != j.get("vocabSize"):
            raise ValueError(f"vocabSize {j.get('vocabSize')} ≠ {t.vocab_size} from merges")
        return t

    @classmethod
    def load(cls, path: str | Path) -> "BpeTokenizer":
        return cls.from_json(json.loads(Path(path).read_text()))

    # ------------------------------------------------------------------ encoding

    def _bpe(self, chunk: str) -> list[int]:
        ids = [b + BYTE_OFFSET for b in chunk.encode("utf-8")]
        while len(ids) > 1:
            best, best_rank = -1, None
            for j in range(len(ids) - 1):
                r = self.rank.get(ids[j] * KEY + ids[j + 1])
                if r is not None and (best_rank is None or r < best_rank):
                    best, best_rank = j, r
            if best < 0:
                break
            ids = _merge_pair(ids, ids[best], ids[best + 1], FIRST_MERGE_ID + best_rank)  # type: ignore[operator]
        return ids

    def encode_ids(self, text: str) -> list[int]:
        out: list[int] = []
        for c in chunks(text):
            ids = self._cache.get(c)
            if ids is None:
                ids = self._bpe(c)
                if len(self._cache) > 100_000:
                    self._cache.clear()
                self._cache[c] = ids
            out.extend(ids)
        return out

    def encode(self, text: str, context_length: int) -> tuple[np.ndarray, int, int, bool]:
        """(ids (T) int32: <|sot|> tokens <|eot|> then pads, length, eot index, truncated)."""
        if context_length < 2:
            raise ValueError(f"contextLength must be ≥ 2, got {context_length}")
        body = self.encode_ids(text)
        n = min(len(body), context_length - 2)
        ids = np.zeros(context_length, dtype=np.int32)
        ids[0] = SOT_ID
        ids[1 : 1 + n] = body[:n]
        ids[n + 1] = EOT_ID
        return ids, n + 2, n + 1, len(body) > n

    def encode_batch(self, texts: Sequence[str], context_length: int) -> dict[str, np.ndarray]:
        m = len(texts)
        ids = np.zeros((m, context_length), dtype=np.int32)
        eot = np.zeros(m, dtype=np.int32)
        lengths = np.zeros(m, dtype=np.int32)
        truncated = 0
        for i, t in enumerate(texts):
            row, length, e, tr = self.encode(t, context_length)
            ids[i], eot[i], lengths[i] = row, e, length
            truncated += tr
        return {"ids": ids, "eot": eot, "lengths": lengths, "truncated": np.int64(truncated)}

    def decode(self, ids: Iterable[int]) -> str:
        b = b"".join(self.bytes_of[i] for i in ids if i >= BYTE_OFFSET)
        s = b.decode("utf-8", errors="replace")
        return s[1:] if s.startswith(" ") else s

    # ------------------------------------------------------------------ training (trainMerges)

    @classmethod
    def train(cls, corpus: Iterable[str], vocab_size: int = 512, min_frequency: int = 2) -> "BpeTokenizer":
        min_frequency = max(1, min_frequency)
        if vocab_size < FIRST_MERGE_ID:
            raise ValueError(f"vocabSize must be ≥ {FIRST_MERGE_ID}, got {vocab_size}")
        word_count: dict[str, int] = {}
        for text in corpus:
            for c in chunks(text):
                word_count[c] = word_count.get(c, 0) + 1
        words = [[b + BYTE_OFFSET for b in w.encode("utf-8")] for w in word_count]
        freq = list(word_count.values())
        pair_count: dict[int, int] = {}
        pair_words: dict[int, set[int]] = {}
        for w, seq in enumerate(words):
            for j in range(len(seq) - 1):
                key = seq[j] * KEY + seq[j + 1]
                pair_count[key] = pair_count.get(key, 0) + freq[w]
                pair_words.setdefault(key, set()).add(w)
        # Max count first, ties to the smaller key: a min-heap of (−count, key).
        heap = [(-c, k) for k, c in pair_count.items()]
        heapq.heapify(heap)
        merges: list[tuple[int, int]] = []
        while FIRST_MERGE_ID + len(merges) < vocab_size:
            best = -1
            while heap:
                negc, key = heapq.heappop(heap)
                if pair_count.get(key) == -negc:
                    if -negc >= min_frequency:
                        best = key
                    break
            if best < 0:
                break
            a, b = divmod(best, KEY)
            nid = FIRST_MERGE_ID + len(merges)
            merges.append((a, b))
            delta: dict[int, int] = {}
            for w in sorted(pair_words.get(best, ())):
                seq = words[w]
                f = freq[w]
                merged = _merge_pair(seq, a, b, nid)
                if len(merged) == len(seq):
                    continue
                for j in range(len(seq) - 1):
                    k = seq[j] * KEY + seq[j + 1]
                    delta[k] = delta.get(k, 0) - f
                for j in range(len(merged) - 1):
                    k = merged[j] * KEY + merged[j + 1]
                    delta[k] = delta.get(k, 0) + f
                    pair_words.setdefault(k, set()).add(w)
                words[w] = merged
            for k, d in delta.items():
                if d == 0:
                    continue
                c = pair_count.get(k, 0) + d
                if c > 0:
                    pair_count[k] = c
                    heapq.heappush(heap, (-c, k))
                else:
                    pair_count.pop(k, None)
                    pair_words.pop(k, None)
            pair_count.pop(best, None)
            pair_words.pop(best, None)
        return cls(merges)
