"""The llama.cpp build options chosen from recorded CPU flag sets: never AMX, the CPU's own extensions."""

from __future__ import annotations

import importlib.util
import platform
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLAGS = Path(__file__).with_name("cpu_flags")


def _load_build_module():
    spec = importlib.util.spec_from_file_location("llama_build", ROOT / "build" / "llama_build.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["llama_build"] = module
    spec.loader.exec_module(module)
    return module


llama_build = _load_build_module()


def recorded(name: str) -> frozenset[str]:
    """A flag set as /proc/cpuinfo lists it, read through the same parser the set-up uses."""
    text = "processor\t: 0\nflags\t\t: " + (FLAGS / f"{name}.txt").read_text().strip() + "\n"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cpuinfo"
        path.write_text(text)
        return llama_build.read_cpu_flags(path)


def options(choice) -> dict[str, str]:
    return dict(arg.removeprefix("-D").split("=", 1) for arg in choice.cmake_args)


@pytest.mark.parametrize("name", ["zen4-epyc", "sapphire-rapids-xeon", "skylake-laptop-avx2"])
def test_never_native_never_amx_never_all_variants(name: str) -> None:
    for release in (False, True):
        chosen = options(llama_build.choose_options(recorded(name), release=release))
        assert chosen["GGML_NATIVE"] == "OFF"
        assert chosen["GGML_CPU_ALL_VARIANTS"] == "OFF"
        assert chosen["GGML_BACKEND_DL"] == "OFF"
        assert chosen["GGML_AMX_TILE"] == chosen["GGML_AMX_INT8"] == chosen["GGML_AMX_BF16"] == "OFF"


def test_sapphire_rapids_keeps_avx512_and_vnni_but_not_amx() -> None:
    flags = recorded("sapphire-rapids-xeon")
    assert {"amx_tile", "amx_int8"} <= flags  # the recorded CPU does have AMX
    choice = llama_build.choose_options(flags)
    chosen = options(choice)
    for option in (
        "GGML_AVX2",
        "GGML_AVX512",
        "GGML_AVX512_VNNI",
        "GGML_AVX512_BF16",
        "GGML_AVX512_VBMI",
        "GGML_AVX_VNNI",
        "GGML_FMA",
        "GGML_F16C",
    ):
        assert chosen[option] == "ON", option
    assert "AMX" in choice.note


def test_zen4_gets_avx512_without_intel_only_avx_vnni() -> None:
    chosen = options(llama_build.choose_options(recorded("zen4-epyc")))
    assert chosen["GGML_AVX512"] == chosen["GGML_AVX512_VNNI"] == chosen["GGML_AVX512_BF16"] == "ON"
    assert chosen["GGML_AVX_VNNI"] == "OFF"  # Zen 4 has AVX512-VNNI but not the VEX-encoded AVX-VNNI


def test_avx2_laptop_gets_no_avx512() -> None:
    chosen = options(llama_build.choose_options(recorded("skylake-laptop-avx2")))
    assert chosen["GGML_AVX2"] == chosen["GGML_FMA"] == chosen["GGML_F16C"] == chosen["GGML_BMI2"] == "ON"
    assert chosen["GGML_AVX512"] == chosen["GGML_AVX512_VNNI"] == chosen["GGML_AVX_VNNI"] == "OFF"


def test_avx512_needs_all_five_foundation_flags() -> None:
    partial = recorded("zen4-epyc") - {"avx512bw"}
    chosen = options(llama_build.choose_options(partial))
    assert chosen["GGML_AVX512"] == chosen["GGML_AVX512_VNNI"] == "OFF"


def test_release_is_the_same_portable_baseline_on_every_cpu() -> None:
    choices = {
        llama_build.choose_options(recorded(name), release=True).cmake_args
        for name in ("zen4-epyc", "sapphire-rapids-xeon", "skylake-laptop-avx2")
    }
    assert len(choices) == 1
    chosen = options(llama_build.choose_options(frozenset(), release=True))
    assert chosen["GGML_AVX2"] == chosen["GGML_FMA"] == chosen["GGML_F16C"] == "ON"
    assert chosen["GGML_AVX512"] == "OFF"


def test_other_architectures_build_natively() -> None:
    choice = llama_build.choose_options(frozenset({"asimd", "sve"}), machine="aarch64")
    assert "-DGGML_NATIVE=ON" in choice.cmake_args


def test_a_changed_flag_set_never_reuses_another_builds_wheel(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("WRITER_APP_WHEEL_CACHE", str(tmp_path))
    names = ("zen4-epyc", "sapphire-rapids-xeon", "skylake-laptop-avx2")
    keys = {
        llama_build.build_key(llama_build.choose_options(recorded(n)), "cp311-linux", "gcc 12") for n in names
    }
    assert len(keys) == 3
    zen = llama_build.choose_options(recorded("zen4-epyc"))
    key = llama_build.build_key(zen, "cp311-linux", "gcc 12")
    assert key != llama_build.build_key(zen, "cp312-linux", "gcc 12")
    assert key != llama_build.build_key(zen, "cp311-linux", "gcc 13")
    assert llama_build.wheel_cache_dir() == tmp_path


def test_the_venv_runs_the_build_chosen_for_this_cpu() -> None:
    """The llama.cpp in use is the one `make setup` built with this CPU's options (never AMX): its
    venv carries the key of exactly that build."""
    venv = Path(sys.prefix)
    marker = venv / ".llama-build-key"
    if not marker.is_file():
        pytest.skip("llama-cpp-python in this environment was not installed by build/llama_build.py")
    choice = llama_build.choose_options(llama_build.read_cpu_flags(), machine=platform.machine())
    expected = llama_build.build_key(
        choice, llama_build.venv_python_tag(sys.executable), llama_build.compiler_version()
    )
    assert marker.read_text().strip() == expected
    assert "-DGGML_AMX_INT8=OFF" in choice.cmake_args or "-DGGML_NATIVE=ON" in choice.cmake_args
    llama_cpp = pytest.importorskip("llama_cpp")
    assert "AMX_INT8 = 1" not in llama_cpp.llama_print_system_info().decode()
