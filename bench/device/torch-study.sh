#!/usr/bin/env bash
# GPU study: the sharing spectrum at ViT-B/32-like width (experiments/sharing-spectrum-b32.json: both towers 768 wide,
# 12 layers, 12 heads, 64 image tokens) through the torch engine in bf16 on one GPU, in under 10 minutes on an H200:
# samples/s and MFU per preset (sharelab_torch.bench, random inputs of the study's shapes), then every run of the
# study (one process each, a time limit per run), its metric histories and validation embeddings packed into $OUT.
#
# The GPU machine has Python, torch and CUDA but no Node, so the TypeScript steps (data, metrics, statistics, report)
# run here, before and after:
#   1. here:   npm run experiment -- experiments/sharing-spectrum-b32.json --engine torch --prepare-only \
#                --dir runs/torch/sharing-spectrum-b32                          # plan.json + data.safetensors (19 MB)
#   2. device: run(command="bash bench/device/torch-study.sh", carry=["runs/torch/sharing-spectrum-b32"], timeout_s=600)
#   3. here:   bash bench/device/torch-study.sh --unpack <files_at>             # the runs back into the plan folder
#              npm run experiment -- experiments/sharing-spectrum-b32.json --engine torch --collect \
#                --dir runs/torch/sharing-spectrum-b32 --out bench/results       # every metric + Multi-Bootstrap + report
# Knobs (environment): STUDY_DIR, DEVICE (cuda), AMP (bf16), PEAK_TFLOPS (989: H100/H200 dense bf16 spec),
# RUN_LIMIT (50 s per run), BENCH_BATCH (256), BENCH_STEPS (20). On CPU for a dry run:
#   DEVICE=cpu AMP=none STUDY_DIR=test-results/torch-smoke BENCH_BATCH=16 BENCH_STEPS=2 OUT=/tmp/study bash bench/device/torch-study.sh
set -uo pipefail
DIR=${STUDY_DIR:-runs/torch/sharing-spectrum-b32}
if [ "${1:-}" = "--unpack" ]; then
  for f in "$2"/runs-*.tgz; do tar xzf "$f" -C "$DIR"; done
  cp "$2"/bench.jsonl "$2"/env.txt "$2"/train.log "$DIR"/ 2>/dev/null
  echo "unpacked $(ls "$DIR"/runs | wc -l) runs into $DIR"
  exit 0
fi
OUT=${OUT:-/tmp/torch-study}
mkdir -p "$OUT"
DEVICE=${DEVICE:-cuda}
AMP=${AMP:-bf16}
PY=${PYTHON:-python3}
export PYTHONPATH=$PWD/python PYTHONUNBUFFERED=1
[ -f "$DIR/plan.json" ] || { echo "no $DIR/plan.json: prepare it first (step 1 above) and carry it"; exit 2; }
{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null; $PY -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)'; } 2>&1 | tee "$OUT/env.txt"

# 1. throughput and MFU of every preset's model (training steps on random inputs, batch 256)
timeout 100 $PY -m sharelab_torch.bench --plan "$DIR" --device "$DEVICE" --amp "$AMP" --batch-size "${BENCH_BATCH:-256}" \
  --steps "${BENCH_STEPS:-20}" --warmup 5 --peak-tflops "${PEAK_TFLOPS:-989}" 2>&1 | tee "$OUT/bench.jsonl"

# 2. the study: every run, one process each, no checkpoints (2 GB each at this size; the metrics need only the embeddings)
ids=$($PY -c "import json; print(' '.join(r['id'] for r in json.load(open('$DIR/plan.json'))['runs']))")
for id in $ids; do
  start=$(date +%s)
  timeout "${RUN_LIMIT:-50}" $PY -m sharelab_torch.experiment "$DIR" --run "$id" --device "$DEVICE" --amp "$AMP" --no-save >>"$OUT/train.log" 2>&1
  echo "$id: exit $? in $(( $(date +%s) - start )) s; $(tail -n 1 "$DIR/runs/$id/metrics.jsonl" 2>/dev/null | cut -c1-160)" | tee -a "$OUT/train.log"
done

# 3. pack: two runs per archive (each ≤ 16 MiB, at most 8 files come back)
set -- $ids
k=0
while [ $# -gt 0 ]; do
  pair="$1 ${2:-}"
  shift; [ $# -gt 0 ] && shift
  files=$(for id in $pair; do (cd "$DIR" && ls runs/"$id"/metrics.jsonl runs/"$id"/run.json runs/"$id"/eval-*.safetensors runs/"$id"/config.json 2>/dev/null); done)
  [ -n "$files" ] && tar czf "$OUT/runs-$k.tgz" -C "$DIR" $files
  k=$((k + 1))
done
ls -la "$OUT"
