#!/usr/bin/env bash
# Installs the one-folder build for the current user: ~/.local/opt/writer-app, a `writer-app`
# command in ~/.local/bin, and the desktop entry and icon so Writer appears in the app menu.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x dist/writer-app/writer-app ] || { echo "Build it first: make package"; exit 1; }
PREFIX="${PREFIX:-$HOME/.local}"
mkdir -p "$PREFIX/opt" "$PREFIX/bin" "$PREFIX/share/applications" "$PREFIX/share/icons/hicolor/scalable/apps"
rm -rf "$PREFIX/opt/writer-app"
cp -r dist/writer-app "$PREFIX/opt/writer-app"
ln -sf "$PREFIX/opt/writer-app/writer-app" "$PREFIX/bin/writer-app"
sed "s|^Exec=writer-app|Exec=$PREFIX/bin/writer-app|" resources/writer-app.desktop > "$PREFIX/share/applications/writer-app.desktop"
cp resources/icons/writer-app.svg "$PREFIX/share/icons/hicolor/scalable/apps/writer-app.svg"
echo "Installed: run writer-app, or find Writer in your applications menu."
