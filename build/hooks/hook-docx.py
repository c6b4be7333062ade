"""PyInstaller hook for python-docx: the blank document it starts from (templates/) is package data."""

from PyInstaller.utils.hooks import collect_data_files

datas = collect_data_files("docx")
