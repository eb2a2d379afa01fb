"""Image–caption data for train.py, read the way the playground reads uploads (src/data/ingest):

* WebDataset-style tar shards (``shard-000.tar``, a ``{a..b}`` brace range or a glob): members grouped by key
  (path without the extension), images .jpg/.jpeg/.png/.webp/.gif/.bmp, captions .txt (one caption per non-empty
  line) or .json (first of text/caption/captions/sentence/sentences/description/prompt; string or list).
  The shards are indexed once (member offsets), so samples are read by random access: a global seeded shuffle,
  exactly resumable, and each rank reads only its slice of every global batch.
* Hugging Face ImageFolder: a folder with metadata.jsonl / metadata.csv (file_name + a caption field), or images
  with sidecar .txt files.

Preprocessing as the browser (decode.ts): alpha composited on white, centre crop of the largest square (odd
leftovers right/bottom), resize to S×S (bicubic, antialiased), (v/255 − mean)/std with CLIP's mean and std.
Sample order (Sampler) is the browser's Batcher: epoch e shuffles with Rng(seed).fork(e + 1) and picks one caption
per image from the same generator; batch k of an epoch is the slice [k·B, (k+1)·B).
"""

from __future__ import annotations

import csv
import glob
import io
import json
import re
import tarfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from .augment import AugmentOptions, apply_crop, augment_params, names_side
from .rng import Rng

CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)
IMAGE_EXT = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp"}
CAPTION_KEYS = ["text", "caption", "captions", "sentence", "sentences", "description", "prompt"]
IMAGE_KEYS = ["file_name", "filename", "file", "image", "image_path", "imagepath", "image_file", "image_name", "img", "img_path", "filepath", "file_path", "path"]


def clean_caption(s: str) -> str:
    return unicodedata.normalize("NFC", s).strip()


def captions_of(v: object) -> list[str]:
    """A caption value: a string, a list of strings, or a JSON-encoded list in a string (metadata.ts captionsOf)."""
    if isinstance(v, str):
        t = v.strip()
        lst: list = [v]
        if t.startswith("[") and t.endswith("]"):
            try:
                parsed = json.loads(t)
                if isinstance(parsed, list) and all(isinstance(x, str) for x in parsed):
                    lst = parsed
            except json.JSONDecodeError:
                pass
    elif isinstance(v, list):
        lst = v
    else:
        return []
    return [c for c in (clean_caption(x) for x in lst if isinstance(x, str)) if c]


def json_captions(raw: bytes) -> list[str]:
    try:
        obj = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return []
    if not isinstance(obj, dict):
        return []
    key = next((k for k in CAPTION_KEYS if k in obj), None)
    return captions_of(obj[key]) if key else []


def txt_captions(raw: bytes) -> list[str]:
    text = raw.decode("utf-8", errors="replace")
    return [c for c in (clean_caption(l) for l in text.splitlines()) if c]


def preprocess(data: bytes, size: int) -> np.ndarray:
    """Encoded image bytes → (3, size, size) float32, normalised (see the module docstring)."""
    from PIL import Image

    im = Image.open(io.BytesIO(data))
    im.seek(0)
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        im = im.convert("RGBA")
        bg = Image.new("RGBA", im.size, (255, 255, 255, 255))
        im = Image.alpha_composite(bg, im)
    im = im.convert("RGB")
    w, h = im.size
    side = min(w, h)
    sx, sy = (w - side) // 2, (h - side) // 2
    im = im.resize((size, size), Image.BICUBIC, box=(sx, sy, sx + side, sy + side))
    a = np.asarray(im, dtype=np.float32) / 255.0  # (S, S, 3)
    a = (a - np.array(CLIP_MEAN, np.float32)) / np.array(CLIP_STD, np.float32)
    return np.ascontiguousarray(a.transpose(2, 0, 1))


# ----------------------------------------------------------------------------- sources


@dataclass
class Item:
    """One image with its captions; `read()` gives the encoded image bytes."""

    key: str
    captions: list[str]
    shard: Optional[str] = None
    offset: int = 0
    size: int = 0
    path: Optional[str] = None

    def read(self) -> bytes:
        if self.path is not None:
            return Path(self.path).read_bytes()
        with open(self.shard, "rb") as f:  # type: ignore[arg-type]
            f.seek(self.offset)
            return f.read(self.size)


def expand_shards(spec: str) -> list[str]:
    """'a/shard-{000..127}.tar' (brace range), a glob, or a comma-separated list."""
    out: list[str] = []
    for part in spec.split(","):
        m = re.search(r"\{(\d+)\.\.(\d+)\}", part)
        if m:
            a, b = m.group(1), m.group(2)
            width = len(a)
            out += [part[: m.start()] + str(i).zfill(width) + part[m.end() :] for i in range(int(a), int(b) + 1)]
        elif any(c in part for c in "*?["):
            out += sorted(glob.glob(part))
        elif part:
            out.append(part)
    return out


def index_tar_shards(shards: Sequence[str]) -> tuple[list[Item], dict[str, int]]:
    """Every (image, captions) sample of the shards, in shard then member order, and skip counts by reason."""
    items: list[Item] = []
    skipped: dict[str, int] = {}
    for shard in shards:
        groups: dict[str, dict[str, tuple[int, int] | bytes]] = {}
        order: list[str] = []
        with tarfile.open(shard, "r:") as tf:
            for m in tf:
                if not m.isfile():
                    continue
                name = m.name
                base = name.rsplit("/", 1)[-1]
                if "." not in base:
                    continue
                dot = name.rfind(".")
                key, ext = name[:dot], name[dot:].lower()
                if key not in groups:
                    groups[key] = {}
                    order.append(key)
                if ext in IMAGE_EXT:
                    groups[key]["image"] = (m.offset_data, m.size)
                elif ext in (".txt", ".json", ".caption"):
                    f = tf.extractfile(m)
                    groups[key][ext] = f.read() if f else b""
        for key in order:
            g = groups[key]
            caps: list[str] = []
            for ext in (".txt", ".caption"):
                if ext in g:
                    caps += txt_captions(g[ext])  # type: ignore[arg-type]
            if ".json" in g:
                caps += json_captions(g[".json"])  # type: ignore[arg-type]
            if "image" not in g:
                if caps:
                    skipped["caption-without-image"] = skipped.get("caption-without-image", 0) + 1
                continue
            if not caps:
                skipped["image-without-caption"] = skipped.get("image-without-caption", 0) + 1
                continue
            off, size = g["image"]  # type: ignore[misc]
            items.append(Item(key=f"{shard}:{key}", captions=caps, shard=shard, offset=off, size=size))
    return items, skipped


def index_image_folder(root: str) -> tuple[list[Item], dict[str, int]]:
    """metadata.jsonl / metadata.csv (several rows for one file add captions), else sidecar .txt/.json."""
    rootp = Path(root)
    caps: dict[str, list[str]] = {}
    order: list[str] = []
    skipped: dict[str, int] = {}

    def add(ref: str, cs: list[str]) -> None:
        p = str((rootp / ref.strip().lstrip("/")).resolve())
        if p not in caps:
            caps[p] = []
            order.append(p)
        caps[p] += cs

    jl, cv = rootp / "metadata.jsonl", rootp / "metadata.csv"
    if jl.exists():
        for line in jl.read_text(encoding="utf-8", errors="replace").splitlines():
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                skipped["malformed-metadata"] = skipped.get("malformed-metadata", 0) + 1
                continue
            ik = next((k for k in IMAGE_KEYS if k in rec), None)
            ck = next((k for k in CAPTION_KEYS if k in rec), None)
            if not ik or not ck or not isinstance(rec[ik], str):
                skipped["malformed-metadata"] = skipped.get("malformed-metadata", 0) + 1
                continue
            add(rec[ik], captions_of(rec[ck]))
    elif cv.exists():
        with cv.open(newline="", encoding="utf-8", errors="replace") as f:
            for rec in csv.DictReader(f):
                ik = next((k for k in IMAGE_KEYS if k in rec), None)
                ck = next((k for k in CAPTION_KEYS if k in rec), None)
                if not ik or not ck:
                    skipped["malformed-metadata"] = skipped.get("malformed-metadata", 0) + 1
                    continue
                add(rec[ik], captions_of(rec[ck]))
    else:
        for p in sorted(rootp.rglob("*")):
            if p.suffix.lower() not in IMAGE_EXT:
                continue
            cs: list[str] = []
            for ext, parse in ((".txt", txt_captions), (".json", json_captions)):
                side = p.with_suffix(ext)
                if side.exists():
                    cs += parse(side.read_bytes())
            add(str(p.relative_to(rootp)), cs)
    items: list[Item] = []
    for p in order:
        if not Path(p).exists():
            skipped["caption-without-image"] = skipped.get("caption-without-image", 0) + 1
        elif not caps[p]:
            skipped["image-without-caption"] = skipped.get("image-without-caption", 0) + 1
        else:
            items.append(Item(key=p, captions=caps[p], path=p))
    return items, skipped


def open_source(spec: str) -> tuple[list[Item], dict[str, int]]:
    """A folder (ImageFolder) or tar shards (see expand_shards)."""
    if Path(spec).is_dir():
        return index_image_folder(spec)
    shards = expand_shards(spec)
    if not shards:
        raise FileNotFoundError(f"no data at {spec!r} (a folder or .tar shards)")
    return index_tar_shards(shards)


# ----------------------------------------------------------------------------- order


class Sampler:
    """The browser's Batcher order (src/data/batcher.ts): depends only on (seed, step), so resuming at step s sees
    the same batches; rank r of R takes rows [r·B/R, (r+1)·B/R) of every global batch."""

    def __init__(self, caption_counts: Sequence[int], batch_size: int, seed: int) -> None:
        self.counts = list(caption_counts)
        self.batch_size = batch_size
        self.seed = seed
        self.steps_per_epoch = len(self.counts) // batch_size
        if self.steps_per_epoch == 0:
            raise ValueError(f"batchSize {batch_size} > {len(self.counts)} images")
        self._plan: Optional[tuple[int, list[int], list[int]]] = None

    def plan(self, epoch: int) -> tuple[list[int], list[int]]:
        if self._plan is None or self._plan[0] != epoch:
            rng = Rng(self.seed).fork(epoch + 1)
            order = rng.shuffle(list(range(len(self.counts))))
            caption = [rng.int(self.counts[p]) for p in order]
            self._plan = (epoch, order, caption)
        return self._plan[1], self._plan[2]

    def batch(self, step: int, rank: int = 0, world: int = 1) -> list[tuple[int, int]]:
        """(item index, caption index) for this rank's share of global batch `step` (0-based)."""
        epoch, k = divmod(step, self.steps_per_epoch)
        order, caption = self.plan(epoch)
        b = self.batch_size // world
        lo = k * self.batch_size + rank * b
        return [(order[i], caption[i]) for i in range(lo, lo + b)]

    def keyed_batch(self, step: int, rank: int = 0, world: int = 1) -> list[tuple[int, int, int, int]]:
        """batch() plus (step, slot in the GLOBAL batch) per row: the key of the row's augmentation (augment.py)."""
        lo = rank * (self.batch_size // world)
        return [(i, c, step, lo + j) for j, (i, c) in enumerate(self.batch(step, rank, world))]


class PairDataset:
    """Map-style dataset of (item, caption) pairs → (image (3,S,S), ids (T), eot, length); for a DataLoader."""

    def __init__(self, items: Sequence[Item], tokenizer, image_size: int, context_length: int,
                 augment: Optional[AugmentOptions] = None, seed: int = 0) -> None:
        self.items = items
        self.tok = tokenizer
        self.size = image_size
        self.T = context_length
        # Seeded augmentation (augment.py): needs keyed rows (Sampler.keyed_batch) to know (step, slot).
        self.augment, self.seed = augment, seed

    def __getitem__(self, ic: tuple[int, ...]):
        i, c = ic[0], ic[1]
        it = self.items[i]
        img = preprocess(it.read(), self.size)
        if self.augment is not None:
            if len(ic) != 4:
                raise ValueError("augmentation needs (item, caption, step, slot) rows: use Sampler.keyed_batch")
            p = augment_params(self.seed, ic[2], ic[3], self.size, not names_side(it.captions), self.augment)
            img = apply_crop(img, p)
        ids, length, eot, _ = self.tok.encode(it.captions[c], self.T)
        return img, ids, np.int64(eot), np.int64(length)
