#!/usr/bin/env bash
# npm run bench:device [-- --dry]: our kernels on this machine's GPU through Node + Dawn (kernel checks,
# autotuner table vs the fixed rule, matmul / attention / loss / training-step benchmarks) and the PyTorch
# twin on CUDA (train.py samples/s), written to bench/results/<adapter>.md. See bench/device/README.md.
#   --dry   CI-sized form: a sample of the checks, quick shapes, PyTorch on CPU; writes under
#           test-results/bench-device/ (SwiftShader here; says so when Dawn finds no adapter).
# Environment: NODE (node binary, default `node`), WEBGPU_DIR (an unpacked `webgpu` package, default
# node_modules/webgpu), PYTHON (default python3), OUT_DIR, REPS.
set -uo pipefail
cd "$(dirname "$0")/../.."
DRY=0
for a in "$@"; do [ "$a" = "--dry" ] && DRY=1; done
NODE=${NODE:-node}
PYTHON=${PYTHON:-python3}
# The PyTorch half needs a python with torch: fall back to the system one when the first on PATH lacks it.
if ! "$PYTHON" -c 'import torch' 2>/dev/null && /usr/bin/python3 -c 'import torch' 2>/dev/null; then PYTHON=/usr/bin/python3; fi
export WEBGPU_DIR=${WEBGPU_DIR:-$PWD/node_modules/webgpu}
if [ "$DRY" = 1 ]; then OUT_DIR=${OUT_DIR:-test-results/bench-device}; QUICK=--quick; REPS=${REPS:-3}; else OUT_DIR=${OUT_DIR:-bench/results}; QUICK=; REPS=${REPS:-5}; fi
TMP=$(mktemp -d)
mkdir -p "$OUT_DIR"
t0=$(date +%s)

# The bundle (shaders inlined, dependencies bundled): built here when node_modules exists, else carried.
if [ -d node_modules/vite ]; then
  npx --no-install vite build -c bench/device/vite.config.ts >"$TMP/build.log" 2>&1 || { cat "$TMP/build.log"; exit 1; }
elif [ ! -f bench/device/.build/device-main.mjs ]; then
  echo "bench/device/.build/device-main.mjs missing: build it where node_modules exists (npm run bench:device -- --dry)"; exit 1
fi

# Vulkan: use the system loader/driver; on a machine without one (this CI) fall back to Chromium's SwiftShader.
if [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ] && ! ldconfig -p 2>/dev/null | grep -q libvulkan.so.1 && [ -f /usr/lib/chromium/vk_swiftshader_icd.json ]; then
  export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
  export LD_LIBRARY_PATH=/usr/lib/chromium${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
fi

kernels_rc=0
if [ ! -f "$WEBGPU_DIR/index.js" ]; then
  echo "no webgpu package at $WEBGPU_DIR: the kernel half is skipped" | tee "$TMP/kernels.md"
  kernels_rc=2
else
  # shellcheck disable=SC2086
  "$NODE" bench/device/node-run.mjs "$TMP/kernels" $QUICK --reps "$REPS" 2>&1 | tee "$TMP/kernels.log"
  kernels_rc=${PIPESTATUS[0]}
fi

torch_args=(--out "$TMP/torch")
[ "$DRY" = 1 ] && torch_args+=(--dry)
PYTHONUNBUFFERED=1 "$PYTHON" bench/device/torch_bench.py "${torch_args[@]}" 2>&1 | tee "$TMP/torch.log"
torch_rc=${PIPESTATUS[0]}

# File name: the adapter Dawn reported (or the CUDA device when Dawn found none).
adapter=$(sed -n 's/^\[device\] adapter: \([^;]*\);.*/\1/p' "$TMP/kernels.log" 2>/dev/null | head -1)
[ -z "$adapter" ] && adapter=$("$PYTHON" -c 'import torch; print(torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no-adapter")' 2>/dev/null || echo no-adapter)
slug=$(echo "$adapter" | tr 'A-Z' 'a-z' | sed 's/[^a-z0-9]\+/-/g; s/^-//; s/-$//' | cut -c1-80)
[ "$DRY" = 1 ] && slug="$slug-dry"
mkdir -p "$OUT_DIR" # again: a Playwright run may have emptied test-results/ meanwhile
out="$OUT_DIR/$slug.md"
{
  echo "# bench:device on $adapter"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ); $( [ "$DRY" = 1 ] && echo 'dry run (CI-sized: figures mean nothing)' || echo 'full run'); $(( $(date +%s) - t0 )) s; node $("$NODE" --version)."
  echo
  cat "$TMP/kernels.md" 2>/dev/null || echo "(kernel half: no report, exit $kernels_rc)"
  echo
  cat "$TMP/torch.md" 2>/dev/null || echo "(PyTorch half: no report, exit $torch_rc)"
} >"$out"
cp "$TMP"/kernels.json "$OUT_DIR/$slug.kernels.json" 2>/dev/null
cp "$TMP"/torch.json "$OUT_DIR/$slug.torch.json" 2>/dev/null
echo "wrote $out (kernels exit $kernels_rc, torch exit $torch_rc, $(( $(date +%s) - t0 )) s)"
[ "$kernels_rc" = 0 ] && [ "$torch_rc" = 0 ]
