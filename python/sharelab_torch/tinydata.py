"""A tiny on-disk image–caption set for train.py tests: coloured shapes as PNGs with captions, written as an
ImageFolder (metadata.jsonl) and as two WebDataset-style tar shards."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import numpy as np

COLOURS = {"red": (220, 40, 40), "green": (40, 180, 60), "blue": (40, 70, 220), "yellow": (230, 210, 40)}
SHAPES = ["square", "circle", "cross"]


def _image(colour, shape, size, rng) -> bytes:
    from PIL import Image, ImageDraw

    w, h = size + int(rng.integers(0, 9)), size  # not square: exercises the centre crop
    im = Image.new("RGB", (w, h), tuple(int(x) for x in rng.integers(0, 60, 3)))
    d = ImageDraw.Draw(im)
    c = COLOURS[colour]
    x0, y0 = int(rng.integers(0, size // 3)) + (w - size) // 2, int(rng.integers(0, size // 3))
    x1, y1 = x0 + size // 2, y0 + size // 2
    if shape == "square":
        d.rectangle([x0, y0, x1, y1], fill=c)
    elif shape == "circle":
        d.ellipse([x0, y0, x1, y1], fill=c)
    else:
        d.line([x0, y0, x1, y1], fill=c, width=3)
        d.line([x0, y1, x1, y0], fill=c, width=3)
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    return buf.getvalue()


def make(root: Path, n: int = 48, size: int = 32, seed: int = 0) -> tuple[Path, str]:
    """→ (ImageFolder dir, shard spec 'root/shards/part-{0..1}.tar')."""
    rng = np.random.default_rng(seed)
    folder = root / "folder"
    folder.mkdir(parents=True, exist_ok=True)
    (root / "shards").mkdir(exist_ok=True)
    records, samples = [], []
    for i in range(n):
        colour = list(COLOURS)[i % len(COLOURS)]
        shape = SHAPES[(i // len(COLOURS)) % len(SHAPES)]
        png = _image(colour, shape, size, rng)
        caps = [f"a {colour} {shape}", f"the {shape} is {colour}"]
        (folder / f"img{i:03d}.png").write_bytes(png)
        records.append({"file_name": f"img{i:03d}.png", "text": caps})
        samples.append((f"{i:06d}", png, "\n".join(caps)))
    (folder / "metadata.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    half = (n + 1) // 2
    for s, part in enumerate((samples[:half], samples[half:])):
        with tarfile.open(root / "shards" / f"part-{s}.tar", "w") as tf:
            for key, png, cap in part:
                for ext, data in ((".png", png), (".txt", cap.encode())):
                    ti = tarfile.TarInfo(key + ext)
                    ti.size = len(data)
                    tf.addfile(ti, io.BytesIO(data))
    return folder, str(root / "shards" / "part-{0..1}.tar")


if __name__ == "__main__":
    import sys

    if len(sys.argv) < 2:
        raise SystemExit("usage: python -m sharelab_torch.tinydata OUT_DIR [N]")
    folder, shards = make(Path(sys.argv[1]), n=int(sys.argv[2]) if len(sys.argv) > 2 else 48)
    print(f"ImageFolder: {folder}\nshards:      {shards}")
