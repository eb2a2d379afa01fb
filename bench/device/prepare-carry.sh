#!/usr/bin/env bash
# Packs what a bare GPU machine (no Node, no browser, no internet; Python + torch + CUDA present) needs for
# bench/device/run.sh into .devcarry/ (git-ignored through .git/info/exclude): the kernel bundle, a
# compressed Node binary, the `webgpu` package's linux-x64 Dawn, and the Vulkan loader .debs in .gl/.
# Then, with the device tool: carry [".devcarry", ".gl"] and run the command printed at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
ex=$(git rev-parse --git-path info/exclude)
mkdir -p "$(dirname "$ex")"
for p in /.devcarry/ /.gl/; do grep -qx "$p" "$ex" 2>/dev/null || echo "$p" >>"$ex"; done
mkdir -p .devcarry/webgpu/dist
npx --no-install vite build -c bench/device/vite.config.ts
cp -r bench/device/.build .devcarry/build
xz -T2 -6 -c "$(readlink -f "$(command -v node)")" >.devcarry/node.xz
cp node_modules/webgpu/index.js node_modules/webgpu/package.json .devcarry/webgpu/
cp -r node_modules/webgpu/dist/linux-x64 .devcarry/webgpu/dist/
tar -C .devcarry -cJf .devcarry/webgpu.tar.xz webgpu && rm -rf .devcarry/webgpu
if [ ! -d .gl ]; then
  mkdir -p .gl /tmp/amd64/partial
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  # shellcheck disable=SC2086
  apt-get $o update >/dev/null && (cd .gl && apt-get $o download libvulkan1)
fi
du -sh .devcarry .gl
cat <<'CMD'
device run, carry [".devcarry", ".gl"], timeout_s 580:
for f in .gl/*.deb; do dpkg -x $f /; done; ldconfig; export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; mkdir -p /tmp/n bench/device/.build && xz -dc .devcarry/node.xz >/tmp/n/node && chmod +x /tmp/n/node && tar -xJf .devcarry/webgpu.tar.xz -C /tmp/n && cp .devcarry/build/* bench/device/.build/ && NODE=/tmp/n/node WEBGPU_DIR=/tmp/n/webgpu OUT_DIR=$OUT bash bench/device/run.sh; ls $OUT
CMD
