"""`writer-app models …`: list, download, import, use and remove models from the command line."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from writer_app.engine.hardware import physical_cores, total_memory_bytes
from writer_app.errors import UserError
from writer_app.modelhub.catalog import find_entry, format_size, load_catalog, recommend
from writer_app.modelhub.download import DownloadCancelled, Progress, RemoteFile, default_endpoint, download
from writer_app.modelhub.store import DEFAULT_ID, InstalledModel, ModelStore
from writer_app.paths import AppPaths


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--home", type=Path, default=argparse.SUPPRESS, help="keep settings, data and state under this folder"
    )
    common.add_argument(
        "--endpoint",
        default=argparse.SUPPRESS,
        help=f"model hub or mirror (default: $HF_ENDPOINT or {default_endpoint()})",
    )
    top = argparse.ArgumentParser(
        prog="writer-app models", description="Manage the local models.", parents=[common]
    )
    sub = top.add_subparsers(dest="action", required=True)
    sub.add_parser("list", help="the catalog and what is installed", parents=[common])
    get = sub.add_parser(
        "download", help="download a catalog model (resumes an interrupted download)", parents=[common]
    )
    get.add_argument("id")
    get.add_argument("--yes", action="store_true", help="accept the model's licence without asking")
    get.add_argument("--use", action="store_true", help="make it the active model when done")
    add = sub.add_parser("import", help="copy a local .gguf file into the models folder", parents=[common])
    add.add_argument("path", type=Path)
    use = sub.add_parser("use", help="choose the active model (remembered)", parents=[common])
    use.add_argument("id")
    remove = sub.add_parser("remove", help="delete a downloaded or imported model", parents=[common])
    remove.add_argument("id")
    verify = sub.add_parser(
        "verify", help="check every catalog entry against the hub (file, size, sha256)", parents=[common]
    )
    verify.add_argument("--write", action="store_true", help="fill in exact sizes and hashes in the catalog")
    verify.add_argument("--catalog", type=Path, help="a catalog file other than the packaged one")
    return top


def _print_progress(progress: Progress) -> None:
    eta = f", {progress.eta_s:.0f} s left" if progress.eta_s is not None else ""
    share = progress.done / progress.total if progress.total else 0
    print(
        f"\r  {share:6.1%}  {format_size(progress.done)} of {format_size(progress.total)} at "
        f"{progress.bytes_per_s / 2**20:.1f} MB/s{eta}   ",
        end="",
        file=sys.stderr,
        flush=True,
    )


def run(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    args.home = getattr(args, "home", None)
    args.endpoint = getattr(args, "endpoint", None)
    store = ModelStore(AppPaths.default(args.home))
    if args.action == "verify":
        return _verify(args)
    catalog = load_catalog()
    if args.action == "list":
        installed = {m.id: m for m in store.installed()}
        active = store.active_id()
        best = recommend(catalog, total_memory_bytes(), physical_cores())
        print(f"{'':2}{'id':32} {'size':>9}  {'licence':28} status")
        for model in installed.values():
            if model.id == DEFAULT_ID or model.id.startswith("import-"):
                mark = "*" if model.id == active else " "
                print(
                    f"{mark} {model.id:32} {format_size(model.size_bytes):>9}  {model.licence:28} installed"
                )
        for entry in catalog:
            mark = "*" if entry.id == active else " "
            status = "installed" if entry.id in installed else "available"
            status += ", recommended for this machine" if best and entry.id == best.id else ""
            print(f"{mark} {entry.id:32} {format_size(entry.size_bytes):>9}  {entry.licence:28} {status}")
        print("\n* = active.  Download one with `writer-app models download ID`.")
        return 0
    if args.action == "download":
        entry = find_entry(catalog, args.id)
        if not store.licence_accepted(entry.id):
            note = "" if entry.commercial_use else " (no commercial use)"
            print(f"{entry.name} is licensed under {entry.licence}{note}.", file=sys.stderr)
            if not args.yes:
                if sys.stdin is None or not sys.stdin.isatty():
                    raise UserError("Accept the licence to download: run the command again with --yes.")
                if input("Accept the licence and download? [y/N] ").strip().lower() not in ("y", "yes"):
                    raise UserError("Download cancelled: the licence was not accepted.")
            store.accept_licence(entry.id)
        cancel = threading.Event()
        remote = RemoteFile(entry.repo_id, entry.file, entry.revision, entry.sha256, entry.size_bytes)
        print(
            f"Downloading {entry.file} ({format_size(entry.size_bytes)}) into {store.folder}", file=sys.stderr
        )
        try:
            done = download(
                remote, store.folder, endpoint=args.endpoint, progress=_print_progress, cancel=cancel
            )
        except KeyboardInterrupt:
            raise DownloadCancelled("Download paused: run the same command again to resume.") from None
        finally:
            print(file=sys.stderr)
        store.record(
            InstalledModel(
                entry.id,
                entry.name,
                done.path.name,
                done.size,
                done.sha256,
                f"catalog:{entry.repo_id}@{done.commit or entry.revision}",
                entry.licence,
            )
        )
        if args.use:
            store.set_active(entry.id)
        print(
            f"Installed {entry.id} ({format_size(done.size)}, sha256 {done.sha256[:12]}…)"
            + (" and made it the active model." if args.use else f": `writer-app models use {entry.id}`.")
        )
        return 0
    if args.action == "import":
        from writer_app.engine.model_file import read_model_file

        read_model_file(args.path)  # a clear sentence for anything that is not a usable GGUF
        model = store.import_file(args.path)
        print(f"Imported {args.path.name} as {model.id}: `writer-app models use {model.id}` to choose it.")
        return 0
    if args.action == "use":
        store.set_active(args.id)
        print(f"{args.id} is now the active model.")
        return 0
    store.remove(args.id)
    print(f"Removed {args.id}.")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from writer_app.modelhub.catalog import CATALOG_FILE
    from writer_app.modelhub.verify import report, verify_catalog, write_checked

    path = args.catalog or CATALOG_FILE
    endpoint = args.endpoint or default_endpoint()
    checks = verify_catalog(endpoint, path)
    print(report(checks))
    if args.write:
        print(f"{write_checked(checks, path)} entries updated in {path}.")
    return 1 if any(check.problem for check in checks) else 0
