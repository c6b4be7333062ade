#!/usr/bin/env python3
"""Builds and installs llama-cpp-python with CPU flags chosen for this machine, never AMX.

`python build/llama_build.py --python .venv/bin/python` (what `make setup` runs):
- reads the CPU's flags (/proc/cpuinfo) and turns them into llama.cpp's CMake options:
  `GGML_NATIVE=OFF` plus every vector extension the CPU has (AVX2, AVX-512, VNNI, BF16 ...),
  and the AMX options always off (llama.cpp issue 20824: the AMX kernels crash on the first
  decode of a quantized model on Sapphire Rapids);
- `--release` picks the portable baseline instead (AVX2/FMA/F16C/BMI2, Haswell and newer);
- keeps each built wheel in a cache folder of its own, keyed by the package version, the CMake
  options, the compiler and the Python tag, because pip's own wheel cache ignores `CMAKE_ARGS` and
  would hand back a wheel built with other flags;
- installs that wheel into the venv unless the venv already holds the same build (a marker file).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

LLAMA_VERSION = "0.3.36"
BASE_ARGS = ("-DLLAVA_BUILD=OFF", "-DGGML_NATIVE=OFF", "-DGGML_CPU_ALL_VARIANTS=OFF", "-DGGML_BACKEND_DL=OFF")
NO_AMX = ("-DGGML_AMX_TILE=OFF", "-DGGML_AMX_INT8=OFF", "-DGGML_AMX_BF16=OFF")
AVX512_BASE = frozenset({"avx512f", "avx512cd", "avx512vl", "avx512dq", "avx512bw"})

# (CMake option, the /proc/cpuinfo flags it needs), in llama.cpp's order.
X86_OPTIONS: tuple[tuple[str, frozenset[str]], ...] = (
    ("GGML_SSE42", frozenset({"sse4_2"})),
    ("GGML_AVX", frozenset({"avx"})),
    ("GGML_F16C", frozenset({"f16c"})),
    ("GGML_FMA", frozenset({"fma"})),
    ("GGML_BMI2", frozenset({"bmi2"})),
    ("GGML_AVX2", frozenset({"avx2"})),
    ("GGML_AVX_VNNI", frozenset({"avx_vnni"})),
    ("GGML_AVX512", AVX512_BASE),
    ("GGML_AVX512_VBMI", AVX512_BASE | {"avx512vbmi"}),
    ("GGML_AVX512_VNNI", AVX512_BASE | {"avx512_vnni"}),
    ("GGML_AVX512_BF16", AVX512_BASE | {"avx512_bf16"}),
)
RELEASE_OPTIONS = frozenset({"GGML_SSE42", "GGML_AVX", "GGML_F16C", "GGML_FMA", "GGML_BMI2", "GGML_AVX2"})


@dataclass(frozen=True)
class BuildChoice:
    """The CMake options for one build and the features they name, for the set-up to print."""

    cmake_args: tuple[str, ...]
    features: tuple[str, ...]
    note: str

    @property
    def cmake_string(self) -> str:
        return " ".join(self.cmake_args)


def choose_options(
    cpu_flags: set[str] | frozenset[str], *, machine: str = "x86_64", release: bool = False
) -> BuildChoice:
    """The llama.cpp CMake options for a CPU with these flags (AMX always off)."""
    if machine.lower() not in {"x86_64", "amd64"}:
        # No AMX outside x86; a native build is right there (release bundles are x86-64 only).
        return BuildChoice(("-DLLAVA_BUILD=OFF", "-DGGML_NATIVE=ON"), ("native",), f"{machine}: native build")
    enabled = RELEASE_OPTIONS if release else {option for option, needs in X86_OPTIONS if needs <= cpu_flags}
    args = list(BASE_ARGS)
    args += [f"-D{option}={'ON' if option in enabled else 'OFF'}" for option, _ in X86_OPTIONS]
    args += NO_AMX
    features = tuple(option.removeprefix("GGML_").lower() for option, _ in X86_OPTIONS if option in enabled)
    has_amx = bool({"amx_tile", "amx_int8", "amx_bf16"} & cpu_flags)
    if release:
        note = "release: portable x86-64 baseline (AVX2/FMA/F16C), no AMX"
    elif has_amx:
        note = "this CPU has AMX: left out (llama.cpp's AMX kernels crash on quantized models)"
    else:
        note = "this CPU's own vector extensions, no AMX"
    return BuildChoice(tuple(args), features, note)


def read_cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> frozenset[str]:
    """The flags of the first CPU in /proc/cpuinfo (empty where there is no such file)."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags":
            return frozenset(value.split())
    return frozenset()


def compiler_version() -> str:
    """The first line of the C compiler's --version, part of the wheel's cache key."""
    compiler = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc") or "cc"
    try:
        out = subprocess.run([compiler, "--version"], capture_output=True, text=True, check=False).stdout
    except OSError:
        return compiler
    return (out.splitlines() or [compiler])[0]


def build_key(choice: BuildChoice, python_tag: str, compiler: str) -> str:
    """A short hash naming one build: version, options, compiler and Python."""
    text = "\n".join([LLAMA_VERSION, choice.cmake_string, compiler, python_tag])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def wheel_cache_dir() -> Path:
    """Where built wheels are kept between clones (WRITER_APP_WHEEL_CACHE overrides)."""
    override = os.environ.get("WRITER_APP_WHEEL_CACHE")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "writer-app-build" / "llama-wheels"


def venv_python_tag(python: str) -> str:
    """The interpreter's tag (cp311-linux-x86_64) so one cache serves several Pythons."""
    code = "import sys, sysconfig; print('cp%d%d-%s' % (*sys.version_info[:2], sysconfig.get_platform()))"
    return subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def build_wheel(python: str, choice: BuildChoice, target: Path) -> Path:
    """Compiles the wheel with these options (pip's cache bypassed) into `target`."""
    target.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, CMAKE_ARGS=choice.cmake_string)
    with tempfile.TemporaryDirectory(prefix="llama-wheel-") as tmp:
        subprocess.run(
            [
                python,
                "-m",
                "pip",
                "wheel",
                "--no-cache-dir",
                "--no-deps",
                "--no-binary",
                "llama-cpp-python",
                "--progress-bar",
                "off",
                "-w",
                tmp,
                f"llama-cpp-python=={LLAMA_VERSION}",
            ],
            env=env,
            check=True,
        )
        built = next(Path(tmp).glob("llama_cpp_python-*.whl"))
        final = target / built.name
        # Copied under a temporary name beside its final one, then renamed: an interrupted copy (the
        # cache may be on another file system than /tmp) never leaves a half wheel to be reused.
        partial = target / (built.name + ".part")
        shutil.copyfile(built, partial)
        os.replace(partial, final)
    return final


def ensure_installed(python: str, *, release: bool = False, cpuinfo: Path = Path("/proc/cpuinfo")) -> None:
    """Installs the right llama-cpp-python build into the venv of `python`, building it if needed."""
    choice = choose_options(read_cpu_flags(cpuinfo), machine=platform.machine(), release=release)
    print(f">>> llama.cpp CPU features: {', '.join(choice.features) or 'none'} ({choice.note})")
    key = build_key(choice, venv_python_tag(python), compiler_version())
    venv = Path(python).absolute().parent.parent  # not resolve(): a venv's python links out of it
    marker = venv / ".llama-build-key"
    if marker.is_file() and marker.read_text().strip() == key and _importable(python):
        return
    folder = wheel_cache_dir() / key
    wheels = sorted(folder.glob("llama_cpp_python-*.whl"))
    if wheels:
        wheel = wheels[-1]
        print(f">>> Using the llama-cpp-python wheel built before with these options ({folder}).")
    else:
        print(">>> Compiling llama-cpp-python with these options: about 9 minutes on 2 cores the first time.")
        print(f">>> CMAKE_ARGS={choice.cmake_string}")
        wheel = build_wheel(python, choice, folder)
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall", str(wheel)], check=True
    )
    # Its own dependencies (numpy, jinja2, diskcache, typing-extensions) come from PyPI as usual.
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--progress-bar", "off", str(wheel)], check=True
    )
    marker.write_text(key + "\n")


def _importable(python: str) -> bool:
    return (
        subprocess.run([python, "-c", "import llama_cpp"], capture_output=True, check=False).returncode == 0
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable, help="the venv's interpreter to install into")
    parser.add_argument("--release", action="store_true", help="portable AVX2 baseline for release bundles")
    parser.add_argument("--print", action="store_true", help="only print the chosen CMake options")
    args = parser.parse_args(argv)
    if args.print:
        choice = choose_options(read_cpu_flags(), machine=platform.machine(), release=args.release)
        print(choice.cmake_string)
        return 0
    ensure_installed(args.python, release=args.release)
    return 0


if __name__ == "__main__":
    sys.exit(main())
