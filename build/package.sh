#!/usr/bin/env bash
# Builds dist/writer-app/ (one folder) with PyInstaller from the project's .venv.
# RELEASE=1 first rebuilds llama-cpp-python with -DGGML_NATIVE=OFF so the bundle runs on other
# x86-64 machines (about 9 minutes on 2 cores); the default build is for this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
$PY -m pip install --quiet --progress-bar off -e ".[build]"
if [ "${RELEASE:-0}" = "1" ]; then
  echo ">>> Rebuilding llama-cpp-python for any x86-64 CPU (-DGGML_NATIVE=OFF): about 9 minutes."
  CMAKE_ARGS="-DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF" $PY -m pip install --no-cache-dir --force-reinstall \
    --no-deps "llama-cpp-python==0.3.36"
fi
$PY -m PyInstaller --noconfirm --clean --distpath dist --workpath build/work build/writer-app.spec
if command -v strip >/dev/null; then  # CPython built from source keeps its symbols: not needed here
  find dist/writer-app/_internal -maxdepth 1 -name 'libpython3*.so*' -type f -exec strip --strip-unneeded {} +
  find dist/writer-app/_internal -path '*lib-dynload/*.so' -type f -exec strip --strip-unneeded {} +
fi
du -sh dist/writer-app | sed 's/^/bundle size: /'
