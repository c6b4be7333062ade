"""PyInstaller hook for llama_cpp: its shared libraries (libllama, libggml*) live in llama_cpp/lib."""

from PyInstaller.utils.hooks import collect_data_files, collect_dynamic_libs

binaries = collect_dynamic_libs("llama_cpp")
datas = collect_data_files("llama_cpp", includes=["**/*.jinja", "**/*.json"])
