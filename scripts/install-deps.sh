#!/usr/bin/env bash
# Every Debian package the lab needs, in one idempotent step (a no-op when all are present):
#   libopenblas-dev, libopenblas0-pthread, gcc  the training engine's native GEMM (scripts/build-native.mjs)
#   chromium                                    the browser tests and report screenshots (playwright-core drives it)
#   redis-server                                the sweep queue's tests and bench (BullMQ); a local sweep needs no Redis
# Without root it says what to run and exits 0: the product then installs and audits as usual, and the
# engine falls back to its pure-TypeScript GEMM (~25x slower) with a warning.
set -euo pipefail
PACKAGES=(libopenblas-dev libopenblas0-pthread gcc chromium redis-server)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all present (${PACKAGES[*]})" >&2
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: no apt-get here; install ${missing[*]} with your package manager (the engine uses its pure-TS GEMM meanwhile)" >&2
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "install-deps: needs root for: sudo apt-get install -y ${missing[*]} (continuing without them: the engine uses its pure-TS GEMM)" >&2
  exit 0
fi
echo "install-deps: apt-get install ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
echo "install-deps: installed ${missing[*]}" >&2
