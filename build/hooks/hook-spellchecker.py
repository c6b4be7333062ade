"""PyInstaller hook for pyspellchecker: its word lists (resources/*.json.gz) are package data."""

from PyInstaller.utils.hooks import collect_data_files

datas = collect_data_files("spellchecker")
