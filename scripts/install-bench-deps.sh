#!/usr/bin/env bash
# Debian packages the benchmarks and fixture scripts need beyond the product's (scripts/install-deps.sh):
# python3-torch (bench/ times PyTorch's step on the same model in the same run; the *.torch.test fixtures
# come from it) with python3-numpy, and the scipy/sklearn/nltk/Levenshtein references the test/fixtures/make_*.py
# scripts compare against (statsmodels for the proportion intervals and McNemar, regex for sacreBLEU run from source
# by make_reference_golden.py). Not needed to build, run or test the lab. Idempotent; without root
# it says what to run.
set -euo pipefail
PACKAGES=(python3-torch python3-numpy python3-scipy python3-sklearn python3-nltk python3-levenshtein python3-statsmodels python3-regex libopenblas0-pthread)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then echo "install-bench-deps: all present (${PACKAGES[*]})" >&2; exit 0; fi
if [ "$(id -u)" != "0" ]; then echo "install-bench-deps: needs root for: sudo apt-get install -y ${missing[*]}" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
echo "install-bench-deps: installed ${missing[*]}" >&2
