"""Train a ShareLab CLIP at scale: the browser's experiment (config, tokenizer, AdamW + cosine schedule, seeded
data order) under PyTorch DDP.

  torchrun --nproc_per_node=8 -m sharelab_torch.train --data 'shards/train-{0000..0099}.tar' --preset ms-clip --out runs/a
  python -m sharelab_torch.train --spawn 2 --data my_imagefolder --init exported.safetensors --out runs/b

Processes: torchrun's environment (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT) when present;
`--spawn N` starts N local processes with torch.multiprocessing and an explicit tcp:// init_method (for machines
where torchrun is broken); neither → one process, no DDP. Backend: NCCL on CUDA, gloo on CPU.

The global batch (--batch-size) is split evenly over the ranks; the contrastive loss sees the whole global batch
(embeddings all-gathered with gradients), BatchNorm uses global-batch statistics (--sync-bn, default), so N processes
compute the same step as one process with the same global batch (tests/test_ddp.py).

Writes to --out: metrics.jsonl (one JSON object per logged step: step, loss, gradNorm, skipped, logitScale, lr —
the browser's StepRecord fields — plus epoch, samples, samplesPerSec, elapsed), step-N.safetensors checkpoints and
latest.safetensors in our format (open in the playground or resume here with --resume), run.json.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import socket
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Optional

import torch
import torch.distributed as dist

from . import checkpoint as ckpt
from .checkpoint import DEFAULT_HYPER
from .config import preset_config, with_defaults
from .augment import DEFAULT_AUGMENT
from .data import PairDataset, Sampler, open_source
from .model import ShareClip
from .optim import clamp_logit_scale, lr_at, make_optimizer, set_lr
from .prepared import PreparedData
from .tokenizer import BpeTokenizer


def parse_args(argv: Optional[list[str]] = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m sharelab_torch.train", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = p.add_argument_group("model (one of)")
    src.add_argument("--preset", help="a preset name (src/model/presets)")
    src.add_argument("--config", help="a model config JSON file (partial configs are overlaid on the defaults)")
    src.add_argument("--experiment", help="an experiment file (experiments/*.json, or the playground's export): its model overrides, loss, hyper-parameters and first seed, for --preset (default: its first preset)")
    src.add_argument("--init", help="start from this checkpoint's config and weights (step 0, fresh optimizer)")
    src.add_argument("--resume", help="continue this checkpoint: weights, AdamW moments, step")
    p.add_argument("--override", default="{}", help="JSON overlaid on the config, e.g. '{\"vision\":{\"width\":256}}'")
    p.add_argument("--data", help="an ImageFolder directory, or tar shards ('a-{000..099}.tar', a glob, or a,b,c)")
    p.add_argument("--prepared", help="instead of --data: a folder with data.safetensors written by `npm run experiment -- X --engine torch` (the browser's own tensors, tokenizer included)")
    p.add_argument("--eval-every", type=int, default=0, help="with --prepared: write eval-<step>.safetensors (validation embeddings) every N steps and at the end")
    p.add_argument("--tokenizer", help="tokenizer JSON (default: the checkpoint's, else trained on the data's captions)")
    p.add_argument("--vocab-size", type=int, default=512, help="vocabulary when training a tokenizer (default 512)")
    p.add_argument("--out", required=True, help="output directory")
    h = p.add_argument_group("hyper-parameters (default: the experiment file's or the checkpoint's, else the browser's defaults)")
    h.add_argument("--batch-size", type=int, default=None, help="GLOBAL batch size")
    h.add_argument("--steps", type=int, default=None)
    h.add_argument("--lr", type=float, default=None)
    h.add_argument("--min-lr", type=float, default=None)
    h.add_argument("--warmup", type=int, default=None)
    h.add_argument("--weight-decay", type=float, default=None)
    for key, attr in _MULT_ARGS.items():
        h.add_argument("--" + attr.replace("_", "-"), type=float, default=None, help=f"per-group optimiser multiplier ({key} in hyper.ts)")
    h.add_argument("--beta1", type=float, default=None)
    h.add_argument("--beta2", type=float, default=None)
    h.add_argument("--eps", type=float, default=None)
    h.add_argument("--grad-clip", type=float, default=None, help="global grad-norm clip (0 = off)")
    h.add_argument("--log-every", type=int, default=None)
    h.add_argument("--checkpoint-every", type=int, default=None, help="0 = only at the end")
    h.add_argument("--augment", action="store_const", const=1, default=None, help="seeded random resized crop + flip (not when a caption names left/right), as the browser's augment option (src/data/augment.ts)")
    h.add_argument("--seed", type=int, default=None, help="initial weights (bit-identical to the browser's for the same seed) and data order (default: the experiment's first seed, the checkpoint's, else 0)")
    r = p.add_argument_group("runtime")
    r.add_argument("--spawn", type=int, default=0, help="start N local processes (torch.multiprocessing) instead of torchrun")
    r.add_argument("--device", default="auto", help="auto (CUDA when available), cpu, cuda")
    r.add_argument("--workers", type=int, default=2, help="DataLoader worker processes per rank")
    r.add_argument("--dtype", default="float32", choices=["float32", "float64"], help="parameter dtype (float64 for checks)")
    r.add_argument("--amp", default="none", choices=["none", "bf16", "fp16"], help="autocast on CUDA")
    r.add_argument("--sync-bn", dest="sync_bn", action="store_true", default=True, help="global-batch BatchNorm statistics (default)")
    r.add_argument("--no-sync-bn", dest="sync_bn", action="store_false", help="per-rank BatchNorm statistics")
    r.add_argument("--threads", type=int, default=0, help="torch CPU threads per rank (0 = torch's default)")
    r.add_argument("--no-save", action="store_true", help="write no checkpoint (timing studies: a ViT-B-sized one with AdamW moments is 2 GB)")
    a = p.parse_args(argv)
    if (a.data is None) == (a.prepared is None):
        p.error("give exactly one of --data, --prepared")
    if sum(x is not None for x in (a.config, a.init, a.resume, a.experiment or a.preset)) != 1:
        p.error("give exactly one of --preset, --experiment [--preset], --config, --init, --resume")
    return a


_HYPER_ARGS = {"batchSize": "batch_size", "steps": "steps", "lr": "lr", "minLr": "min_lr", "warmup": "warmup", "weightDecay": "weight_decay", "beta1": "beta1",
               "beta2": "beta2", "eps": "eps", "gradClip": "grad_clip", "logEvery": "log_every", "checkpointEvery": "checkpoint_every"}
# Per-group optimiser multipliers (hyper.ts; MS-CLIP's LR_SHARE / WD_SHARE): --lr-mult-shared etc.
_MULT_ARGS = {"lrMultShared": "lr_mult_shared", "wdMultShared": "wd_mult_shared", "lrMultSpecific": "lr_mult_specific",
              "wdMultSpecific": "wd_mult_specific", "lrMultNoDecay": "lr_mult_no_decay", "wdMultNoDecay": "wd_mult_no_decay"}
_HYPER_ARGS.update(_MULT_ARGS)


def fill_defaults(a: argparse.Namespace, hyper: dict[str, Any], seed: Optional[int]) -> None:
    """Command line > the experiment's / checkpoint's values > the browser's DEFAULT_HYPER."""
    for key, attr in _HYPER_ARGS.items():
        if getattr(a, attr) is None:
            setattr(a, attr, hyper.get(key, DEFAULT_HYPER[key]))
    if a.augment is None:
        a.augment = int(hyper.get("augment", DEFAULT_HYPER["augment"]))
    if a.seed is None:
        a.seed = int(seed) if seed is not None else 0


def hyper_of(a: argparse.Namespace) -> dict[str, Any]:
    return {
        "batchSize": a.batch_size,
        "steps": a.steps,
        "lr": a.lr,
        "minLr": a.min_lr,
        "warmup": a.warmup,
        "weightDecay": a.weight_decay,
        "beta1": a.beta1,
        "beta2": a.beta2,
        "eps": a.eps,
        "gradClip": a.grad_clip,
        "logEvery": a.log_every,
        "evalEvery": a.eval_every,
        "checkpointEvery": a.checkpoint_every,
        **{k: getattr(a, _MULT_ARGS[k]) for k in _MULT_ARGS},
        "augment": a.augment,
        # Keep-best and early stopping live in the browser's runner only: the twin records them as off.
        "keepBest": 0,
        "earlyStop": 0,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _StepBatches:
    """Batch sampler: this rank's (item, caption) list for every step from `start` to `steps`."""

    def __init__(self, sampler: Sampler, start: int, steps: int, rank: int, world: int, keyed: bool = False) -> None:
        self.sampler, self.start, self.steps, self.rank, self.world = sampler, start, steps, rank, world
        self.keyed = keyed  # rows carry (step, slot) for the seeded augmentation

    def __len__(self) -> int:
        return max(0, self.steps - self.start)

    def __iter__(self):
        for s in range(self.start, self.steps):
            yield self.sampler.keyed_batch(s, self.rank, self.world) if self.keyed else self.sampler.batch(s, self.rank, self.world)


def resolve_config(a: argparse.Namespace) -> tuple[dict[str, Any], Optional[ckpt.Checkpoint]]:
    """The model config (and the checkpoint to start from); fills unset hyper-parameters and the seed."""
    start = None
    hyper: dict[str, Any] = {}
    seed = None
    if a.init or a.resume:
        start = ckpt.read(a.init or a.resume)
        cfg = with_defaults(start.config)
        hyper, seed = start.hyper, start.seed
    elif a.experiment:
        exp = json.loads(Path(a.experiment).read_text())
        preset = a.preset or exp["presets"][0]
        if preset not in exp.get("presets", [preset]):
            raise SystemExit(f'preset "{preset}" is not in the experiment (presets: {", ".join(exp["presets"])})')
        cfg = preset_config(preset, {**exp.get("model", {}), **({"loss": exp["loss"]} if exp.get("loss") else {})})
        hyper, seed = exp.get("hyper", {}), (exp.get("seeds") or [None])[0]
    elif a.preset:
        cfg = preset_config(a.preset)
    else:
        cfg = with_defaults(json.loads(Path(a.config).read_text()))
    cfg = with_defaults(json.loads(a.override), cfg)
    fill_defaults(a, hyper, seed)
    return cfg, start


def run(rank: int, world: int, local_rank: int, a: argparse.Namespace, init_method: Optional[str]) -> dict[str, Any]:
    use_cuda = a.device == "cuda" or (a.device == "auto" and torch.cuda.is_available())
    device = torch.device(f"cuda:{local_rank}" if use_cuda else "cpu")
    if use_cuda:
        torch.cuda.set_device(device)
    if a.threads:
        torch.set_num_threads(a.threads)
    if world > 1:
        dist.init_process_group("nccl" if use_cuda else "gloo", init_method=init_method, rank=rank, world_size=world)
    try:
        return _train(rank, world, device, a)
    finally:
        if world > 1:
            dist.destroy_process_group()


def _train(rank: int, world: int, device: torch.device, a: argparse.Namespace) -> dict[str, Any]:
    # Depthwise conv kernels (C, 1, k, k) get gradients with another (equivalent) stride on the size-1 axis.
    warnings.filterwarnings("ignore", message="Grad strides do not match bucket view strides")
    out = Path(a.out)
    if rank == 0:
        out.mkdir(parents=True, exist_ok=True)
    log = (lambda *x: print(*x, file=sys.stderr, flush=True)) if rank == 0 else (lambda *x: None)
    cfg, start = resolve_config(a)
    if a.batch_size % world != 0:
        raise SystemExit(f"--batch-size {a.batch_size} must be divisible by the number of processes ({world})")
    prepared = PreparedData(a.prepared).to(device) if a.prepared else None
    if prepared is not None:
        items, skipped = [], {}
        counts = prepared.caption_counts
        if prepared.context_length != cfg["text"]["contextLength"]:
            raise SystemExit(f"--prepared data has context {prepared.context_length}, the model {cfg['text']['contextLength']}")
    else:
        items, skipped = open_source(a.data)
        if not items:
            raise SystemExit(f"no image–caption pairs in {a.data} (skipped: {skipped})")
        counts = [len(it.captions) for it in items]
    if prepared is not None and not a.tokenizer and start is None:
        tok = BpeTokenizer.from_json(prepared.tokenizer)
    elif a.tokenizer:
        tok = BpeTokenizer.load(a.tokenizer)
    elif start is not None and start.tokenizer:
        tok = BpeTokenizer.from_json(start.tokenizer)
    else:
        tok = BpeTokenizer.train((c for it in items for c in it.captions), vocab_size=a.vocab_size)
    if start is None:
        cfg["text"]["vocabSize"] = tok.vocab_size  # as the playground: the vocabulary comes from the tokenizer
    elif tok.vocab_size > cfg["text"]["vocabSize"]:
        raise SystemExit(f"tokenizer has {tok.vocab_size} ids; the checkpoint's model has {cfg['text']['vocabSize']}")
    log(f"[sharelab] {len(counts)} pairs ({skipped or 'none skipped'}), vocab {tok.vocab_size}, world {world}, device {device}")

    dtype = torch.float64 if a.dtype == "float64" else torch.float32
    model = ShareClip(cfg, sync_bn=a.sync_bn)
    model.reset_parameters(a.seed)  # the browser's createModel(cfg, seed) init
    hyper = hyper_of(a)
    optimizer = None
    step0 = 0
    if start is not None:
        ckpt.load_into(model, start)
    model.to(device=device, dtype=dtype)
    optimizer = make_optimizer(model, hyper)
    if a.resume:
        ckpt.load_into(model, start, optimizer)  # type: ignore[arg-type]
        step0 = start.step  # type: ignore[union-attr]
    net: torch.nn.Module = model
    if world > 1:
        net = torch.nn.parallel.DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None, broadcast_buffers=not a.sync_bn)

    T, S = cfg["text"]["contextLength"], cfg["vision"]["imageSize"]
    sampler = Sampler(counts, a.batch_size, a.seed)
    if prepared is not None and a.augment:
        raise SystemExit("--augment: the torch engine's prepared data has no augmentation path yet; train from --data for augmented runs")
    plan = _StepBatches(sampler, step0, a.steps, rank, world, keyed=bool(a.augment))
    loader: Any = (
        prepared.batches(plan)
        if prepared is not None
        else torch.utils.data.DataLoader(
            PairDataset(items, tok, S, T, augment=DEFAULT_AUGMENT if a.augment else None, seed=a.seed),
            batch_sampler=plan,
            num_workers=a.workers,
            pin_memory=device.type == "cuda",
            persistent_workers=False,
        )
    )
    params = [p for _, p in model.canonical_parameters()]
    amp = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(a.amp) if device.type == "cuda" else None
    # torch ≥ 2.3: torch.amp.GradScaler("cuda"); 1.13: torch.cuda.amp.GradScaler.
    scaler = torch.amp.GradScaler("cuda", enabled=amp is torch.float16) if hasattr(torch.amp, "GradScaler") else torch.cuda.amp.GradScaler(enabled=amp is torch.float16)
    metrics = open(out / "metrics.jsonl", "a") if rank == 0 else None
    if rank == 0:
        info = {"config": cfg, "hyper": hyper, "world": world, "device": str(device), "dtype": a.dtype, "amp": a.amp, "data": a.data or a.prepared, "pairs": len(counts), "seed": a.seed, "torch": torch.__version__,
                "threads": torch.get_num_threads(), "cpus": os.cpu_count(), "gpu": torch.cuda.get_device_name(device) if device.type == "cuda" else None}
        (out / "run.json").write_text(json.dumps(info, indent=1))

    def evaluate(step: int) -> None:
        if rank == 0 and prepared is not None:
            prepared.write_eval(out / f"eval-{step}.safetensors", model, dtype, step, amp)

    def save(step: int) -> None:
        if rank != 0 or a.no_save:
            return
        meta = dict(tokenizer=tok.to_json(), step=step, seed=a.seed, hyper=hyper, optimizer=optimizer)
        ckpt.write(out / f"step-{step}.safetensors", model, **meta)
        ckpt.write(out / "latest.safetensors", model, **meta)

    t0 = time.perf_counter()
    t_window, n_window = t0, 0
    step = step0
    last: dict[str, Any] = {}
    pending: list[tuple] = []
    model.train()
    for images, ids, eot, lengths in loader:
        step += 1  # 1-based, as the browser's lrAt and AdamW bias correction
        lr = lr_at(step, a.lr, a.warmup, a.steps, a.min_lr)
        set_lr(optimizer, lr)
        images = images.to(device, dtype, non_blocking=True)
        ids, eot, lengths = (x.to(device, non_blocking=True) for x in (ids, eot, lengths))
        backup = [model.p(n).clone() for n in model.buffer_names()]
        optimizer.zero_grad(set_to_none=False)
        with torch.autocast(device_type="cuda", dtype=amp, enabled=amp is not None):
            _, _, loss = net(images, ids, eot, lengths, return_loss=True)
        scaler.scale(loss).backward()
        scaler.unscale_(optimizer)
        norm = torch.nn.utils.clip_grad_norm_(params, a.grad_clip if a.grad_clip > 0 else math.inf)
        skipped_step = not bool(torch.isfinite(norm))
        if skipped_step:  # leave no trace, as the browser: no update, BatchNorm running stats restored
            with torch.no_grad():
                for n, b in zip(model.buffer_names(), backup):
                    model.p(n).copy_(b)
            scaler.update()
        else:
            scaler.step(optimizer)
            scaler.update()
            clamp_logit_scale(model)
        n_window += a.batch_size
        # Every step's record (the browser's history), read back in one go every log_every steps.
        pending.append((step, loss.detach().clone(), norm.detach().clone(), skipped_step, model.p("logit_scale").detach().reshape(()).clone(), lr))
        if step % a.log_every == 0 or step == a.steps:
            losses = torch.stack([x[1] for x in pending])
            if world > 1:
                dist.all_reduce(losses)
                losses /= world  # mean of the rank shares = the global-batch loss
            norms, scales = torch.stack([x[2] for x in pending]).tolist(), torch.stack([x[4] for x in pending]).exp().tolist()
            now = time.perf_counter()
            sps = n_window / max(now - t_window, 1e-9)
            for (s_, _, _, sk, _, lr_), l_, g_, sc_ in zip(pending, losses.tolist(), norms, scales):
                last = {"step": s_, "loss": l_, "gradNorm": None if sk else g_, "skipped": sk, "logitScale": sc_, "lr": lr_, "epoch": (s_ - 1) // sampler.steps_per_epoch,
                        "samples": s_ * a.batch_size, "samplesPerSec": sps, "elapsed": now - t0}
                if metrics:
                    metrics.write(json.dumps(last) + "\n")
            pending.clear()
            t_window, n_window = now, 0
            if metrics:
                metrics.flush()
            log(f"[sharelab] step {step}/{a.steps} loss {last['loss']:.4f} |g| {last['gradNorm']} lr {lr:.3g} {sps:.1f} samples/s")
        if a.checkpoint_every and step % a.checkpoint_every == 0 and step != a.steps:
            save(step)
        if a.eval_every and step % a.eval_every == 0 and step != a.steps:
            evaluate(step)
    save(step)
    evaluate(step)
    if rank == 0:
        (out / "run.json").write_text(json.dumps({**info, "wallSeconds": time.perf_counter() - t0, "status": "done", "last": last}, indent=1))
    if metrics:
        metrics.close()
    return last


def _spawned(rank: int, world: int, a: argparse.Namespace, init_method: str) -> None:
    run(rank, world, rank, a, init_method)


def main(argv: Optional[list[str]] = None) -> None:
    a = parse_args(argv)
    if a.spawn and a.spawn > 1:
        import torch.multiprocessing as mp

        init_method = f"tcp://127.0.0.1:{free_port()}"
        mp.spawn(_spawned, args=(a.spawn, a, init_method), nprocs=a.spawn, join=True)
    elif "WORLD_SIZE" in os.environ and int(os.environ["WORLD_SIZE"]) > 1:
        run(int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"]), int(os.environ.get("LOCAL_RANK", 0)), a, "env://")
    else:
        run(0, 1, 0, a, None)


if __name__ == "__main__":
    main()
