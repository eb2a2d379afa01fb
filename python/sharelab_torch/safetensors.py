"""safetensors with numpy (no library needed): u64 little-endian header length, a JSON header
{name: {dtype, shape, data_offsets}, "__metadata__": {str: str}}, then raw little-endian tensor bytes.
Same rules as src/train/safetensors.ts: names sorted, data aligned to 8 bytes, every field validated so a
corrupt file gives a message, not a crash. Reads and writes F64/F32/F16/I64/I32/I16/I8/U8/BOOL (what numpy holds; no BF16)."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Mapping

import numpy as np

MAX_HEADER = 100 * 1024 * 1024

_DTYPES = {
    "F64": np.dtype("<f8"),
    "F32": np.dtype("<f4"),
    "F16": np.dtype("<f2"),
    "I64": np.dtype("<i8"),
    "I32": np.dtype("<i4"),
    "I16": np.dtype("<i2"),
    "I8": np.dtype("i1"),
    "U8": np.dtype("u1"),
    "BOOL": np.dtype("?"),
}


class SafetensorsError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(f"safetensors: {message}")


def _dtype_name(a: np.ndarray) -> str:
    d = a.dtype.newbyteorder("<") if a.dtype.byteorder == ">" else a.dtype
    for k, v in _DTYPES.items():
        if d == v:
            return k
    raise SafetensorsError(f"dtype {a.dtype} is not supported")


def encode(tensors: Mapping[str, np.ndarray], metadata: Mapping[str, str] | None = None) -> bytes:
    header: dict = {"__metadata__": dict(metadata or {})}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name])
        dt = _dtype_name(a)
        raw = a.astype(_DTYPES[dt], copy=False).tobytes()
        header[name] = {"dtype": dt, "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    h += b" " * ((-(8 + len(h))) % 8)
    return struct.pack("<Q", len(h)) + h + b"".join(blobs)


def decode(data: bytes) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    if len(data) < 8:
        raise SafetensorsError(f"file is {len(data)} bytes; too short for a header")
    (hlen,) = struct.unpack("<Q", data[:8])
    if hlen > MAX_HEADER or 8 + hlen > len(data):
        raise SafetensorsError(f"header length {hlen} exceeds the file ({len(data)} bytes)")
    try:
        header = json.loads(data[8 : 8 + hlen].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SafetensorsError(f"header is not valid UTF-8 JSON ({e})") from None
    if not isinstance(header, dict):
        raise SafetensorsError("header is not a JSON object")
    body = memoryview(data)[8 + hlen :]
    tensors: dict[str, np.ndarray] = {}
    metadata: dict[str, str] = {}
    for name, spec in header.items():
        if name == "__metadata__":
            if isinstance(spec, dict):
                metadata = {k: v for k, v in spec.items() if isinstance(v, str)}
            continue
        if not isinstance(spec, dict) or spec.get("dtype") not in _DTYPES:
            raise SafetensorsError(f'tensor "{name}": dtype {spec.get("dtype") if isinstance(spec, dict) else spec} is not supported')
        shape = spec.get("shape")
        if not isinstance(shape, list) or not all(isinstance(d, int) and d >= 0 for d in shape):
            raise SafetensorsError(f'tensor "{name}": bad shape')
        off = spec.get("data_offsets")
        if not (isinstance(off, list) and len(off) == 2 and all(isinstance(o, int) and o >= 0 for o in off) and off[0] <= off[1] <= len(body)):
            raise SafetensorsError(f'tensor "{name}": data_offsets {off} outside the {len(body)}-byte data section')
        dt = _DTYPES[spec["dtype"]]
        n = int(np.prod(shape, dtype=np.int64))
        if off[1] - off[0] != n * dt.itemsize:
            raise SafetensorsError(f'tensor "{name}": {off[1] - off[0]} bytes for shape {shape} ({n * dt.itemsize} expected)')
        tensors[name] = np.frombuffer(body[off[0] : off[1]], dtype=dt).reshape(shape).copy()
    return tensors, metadata


def load_file(path: str | Path) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    return decode(Path(path).read_bytes())


def save_file(path: str | Path, tensors: Mapping[str, np.ndarray], metadata: Mapping[str, str] | None = None) -> None:
    """Atomic write (temp file + rename), so a killed job never leaves a half-written checkpoint."""
    p = Path(path)
    tmp = p.with_name(p.name + ".tmp")
    tmp.write_bytes(encode(tensors, metadata))
    tmp.replace(p)
