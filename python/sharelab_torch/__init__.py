"""ShareLab in PyTorch: the browser's CLIP models (same JSON configs, same safetensors checkpoints) for training at
scale under DDP, and for parity tests against the WGSL forward. See python/README.md."""

from .config import PRESET_NAMES, preset_config, with_defaults
from .model import ShareClip
from .tokenizer import BpeTokenizer

__all__ = ["PRESET_NAMES", "ShareClip", "BpeTokenizer", "preset_config", "with_defaults"]
