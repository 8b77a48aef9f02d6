#!/usr/bin/env bash
# Idempotent set-up on Debian: system packages, then a virtualenv with the project.
# Usage: scripts/setup.sh [--test]   (--test adds Chromium and the test extras)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

# handwriting fonts for `buzon sample` (synthbox/ink.py HANDS and HELD_OUT_HANDS)
apt_pkgs=(tesseract-ocr tesseract-ocr-spa fonts-dejavu-core fonts-liberation2 fonts-humor-sans
          fonts-comic-neue fonts-dkg-handwriting fonts-femkeklaver fonts-breip
          fonts-tlwg-purisa-ttf fonts-bwht fonts-dancingscript fonts-sjfonts fonts-kristi
          python3-venv)
[ "$want_test" = 1 ] && apt_pkgs+=(chromium)

missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Instalando paquetes del sistema: ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
extras=""; [ "$want_test" = 1 ] && extras="[test]"
stamp=".venv/.setup-stamp${extras}"
# The product and the development package synthbox/ (`buzon sample`, `buzon demo`), a
# distribution of its own so the product's wheel never ships it.
sum=$(cat pyproject.toml synthbox/pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
  echo "Instalando dependencias de Python en .venv ..."
  .venv/bin/pip install -q --upgrade pip >/dev/null
  .venv/bin/pip install -q -e ".${extras}" -e ./synthbox
  echo "$sum" > "$stamp"
fi
