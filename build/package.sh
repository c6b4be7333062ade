#!/usr/bin/env bash
# Builds dist/writer-app/ (one folder) with PyInstaller.
# By default it uses the project's .venv (llama.cpp compiled for this CPU). RELEASE=1 builds from a
# separate .venv-release whose llama-cpp-python is compiled with -DGGML_NATIVE=OFF, so the bundle
# runs on other x86-64 machines (the first time that compiles for about 9 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${RELEASE:-0}" = "1" ]; then
  PY=.venv-release/bin/python
  if [ ! -x "$PY" ]; then
    python3 -m venv .venv-release
    $PY -m pip install --quiet --upgrade pip
  fi
  if ! $PY -c 'import llama_cpp' 2>/dev/null; then
    echo ">>> Compiling llama-cpp-python for any x86-64 CPU (-DGGML_NATIVE=OFF): about 9 minutes."
    CMAKE_ARGS="-DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF" $PY -m pip install --no-cache-dir --progress-bar off \
      "llama-cpp-python==0.3.36"
  fi
else
  PY=.venv/bin/python
fi
$PY -m pip install --quiet --progress-bar off -e ".[build]"
$PY -m PyInstaller --noconfirm --clean --distpath dist --workpath build/work build/writer-app.spec
if command -v strip >/dev/null; then  # CPython built from source keeps its symbols: not needed here
  find dist/writer-app/_internal -maxdepth 1 -name 'libpython3*.so*' -type f -exec strip --strip-unneeded {} +
  find dist/writer-app/_internal -path '*lib-dynload/*.so' -type f -exec strip --strip-unneeded {} +
fi
du -sh dist/writer-app | sed 's/^/bundle size: /'
