#!/usr/bin/env bash
# Builds dist/writer-app/ (one folder) with PyInstaller.
# By default it uses the project's .venv (llama.cpp compiled for this CPU's extensions, never AMX).
# RELEASE=1 builds from a separate .venv-release whose llama-cpp-python is compiled for the portable
# AVX2/FMA/F16C baseline with no AMX (build/llama_build.py --release), so the bundle runs on other
# x86-64 machines (the first time that compiles for about 9 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${RELEASE:-0}" = "1" ]; then
  PY=.venv-release/bin/python
  if [ ! -x "$PY" ]; then
    python3 -m venv .venv-release
    $PY -m pip install --quiet --upgrade pip
  fi
  build/llama_build.py --python "$PY" --release
else
  PY=.venv/bin/python
fi
$PY -m pip install --quiet --progress-bar off -e ".[build]"
$PY -m PyInstaller --noconfirm --clean --distpath dist --workpath build/work build/writer-app.spec
if command -v strip >/dev/null; then  # symbols only debuggers read (CPython built from source, ICU and
  # cryptography keep theirs): about 9 MB. Not numpy's: its auditwheel-patched OpenBLAS no longer loads.
  find dist/writer-app/_internal -maxdepth 1 -name 'libpython3*.so*' -type f -exec strip --strip-unneeded {} +
  find dist/writer-app/_internal -path '*lib-dynload/*.so' -type f -exec strip --strip-unneeded {} +
  find dist/writer-app/_internal/cryptography dist/writer-app/_internal/PySide6/Qt/lib \
    \( -name '_rust.abi3.so' -o -name 'libicu*.so*' \) -type f -exec strip --strip-unneeded {} +
fi
du -sh dist/writer-app | sed 's/^/bundle size: /'
