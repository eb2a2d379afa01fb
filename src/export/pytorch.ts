// "Export for PyTorch": everything python/sharelab_torch needs to train a playground run at scale —
// the run's model config, its tokenizer, its checkpoint (as the initial weights), the hyper-parameters
// and ready command lines (one process, torchrun on 8 GPUs, --spawn on CPU-only machines).
import type { ClipConfig } from '../model/config';
import { readCheckpoint } from '../train/checkpoint';
import { DEFAULT_HYPER, type TrainHyper } from '../train/hyper';

const enc = new TextEncoder();

/** A file-system-safe short name for the run (used for the folder and the output directory). */
export function slug(label: string): string {
  return (
    label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'run'
  );
}

/** The twin's flags for the per-group optimiser multipliers (python/sharelab_torch/train.py _MULT_ARGS). */
const MULT_FLAGS = {
  lrMultShared: 'lr-mult-shared',
  wdMultShared: 'wd-mult-shared',
  lrMultSpecific: 'lr-mult-specific',
  wdMultSpecific: 'wd-mult-specific',
  lrMultNoDecay: 'lr-mult-no-decay',
  wdMultNoDecay: 'wd-mult-no-decay',
} as const;

/** The commands, as the README (python/README.md) documents them. */
export function pytorchCommands(name: string, h: TrainHyper): string[] {
  // Per-group multipliers only where they differ from plain AdamW (the twin's defaults are the same).
  const mults = (Object.keys(MULT_FLAGS) as (keyof typeof MULT_FLAGS)[])
    .filter((k) => h[k] !== undefined && h[k] !== DEFAULT_HYPER[k])
    .map((k) => ` --${MULT_FLAGS[k]} ${h[k]}`)
    .join('');
  const hp = `--batch-size ${h.batchSize} --steps ${h.steps} --warmup ${h.warmup} --lr ${h.lr} --min-lr ${h.minLr} --weight-decay ${h.weightDecay}${mults}`;
  const common = `--init ../${name}/init.safetensors --data '/path/to/shards/{00000..00099}.tar' ${hp}`;
  return [
    `# from the repository's python/ folder; --data: WebDataset tar shards or an ImageFolder`,
    `python3 -m sharelab_torch.train ${common} --out runs/${name}`,
    `# 8 GPUs on one node (NCCL); --batch-size is the GLOBAL batch`,
    `torchrun --nproc_per_node=8 -m sharelab_torch.train ${common} --amp bf16 --out runs/${name}`,
    `# CPU-only machines where torchrun crashes (Debian 12): local processes with gloo`,
    `/usr/bin/python3 -m sharelab_torch.train --spawn 2 ${common} --out runs/${name}`,
    `# a bigger model of the same sharing configuration, from scratch (same tokenizer)`,
    `torchrun --nproc_per_node=8 -m sharelab_torch.train --config ../${name}/config.json --tokenizer ../${name}/tokenizer.json --override '{"vision":{"width":512,"depth":12,"heads":8},"text":{"width":512,"depth":12,"heads":8},"embedDim":512}' --data '/path/to/shards/{00000..00099}.tar' ${hp} --out runs/${name}-large`,
  ];
}

/** Files of the bundle (path → bytes), from a checkpoint of the run. Throws on a file that is not ours. */
export function pytorchBundle(label: string, checkpoint: Uint8Array): Record<string, Uint8Array> {
  const { meta } = readCheckpoint(checkpoint);
  const name = slug(label);
  const cfg: ClipConfig = meta.config;
  if (cfg.teacher) throw new Error('teacher runs (frozen text features + adapter) are not supported by python/sharelab_torch yet');
  const hyper = meta.hyper;
  const cmds = pytorchCommands(name, hyper);
  const readme = [
    `ShareLab run "${label}" (${cfg.sharing.preset}, step ${meta.step}, seed ${meta.seed}) for python/sharelab_torch.`,
    '',
    'Files: init.safetensors (the run: weights, optimizer state, config, tokenizer), config.json, tokenizer.json, hyper.json.',
    '--init starts from these weights at step 0; --resume init.safetensors would continue its step and AdamW moments instead.',
    'A checkpoint trained there opens back in the playground (Run queue → Open checkpoint…) with every analysis view.',
    '',
    ...cmds,
    '',
  ].join('\n');
  return {
    [`${name}/init.safetensors`]: checkpoint,
    [`${name}/config.json`]: enc.encode(`${JSON.stringify(cfg, null, 2)}\n`),
    [`${name}/tokenizer.json`]: enc.encode(JSON.stringify(meta.tokenizer)),
    [`${name}/hyper.json`]: enc.encode(`${JSON.stringify({ ...hyper, seed: meta.seed }, null, 2)}\n`),
    [`${name}/README.txt`]: enc.encode(readme),
    [`${name}/train.sh`]: enc.encode(`#!/usr/bin/env bash\n# Edit --data, then run from the repository's python/ folder.\nset -euo pipefail\n${cmds[1]}\n`),
  };
}
