"""What the sub-commands share: options, output, progress, input checks."""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import math
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TextIO

__all__ = [
    "InputError",
    "add_common_options",
    "check_output_file",
    "command_parser",
    "emit",
    "load_model",
    "map_batches",
    "naming_files",
    "note",
    "one_line",
    "progress_for",
    "read_images",
    "read_labelled_folder",
    "warnings_as_notes",
]


class InputError(Exception):
    """Bad input to a command: exit code 1, the message on one line."""


def one_line(err: BaseException) -> str:
    """An error's message on one line."""
    return " ".join(str(err).split())


def command_parser(
    subparsers: Any, name: str, *, help: str, description: str, examples: str
) -> argparse.ArgumentParser:
    """Add a sub-command parser whose --help ends with its examples."""
    return subparsers.add_parser(
        name,
        help=help,
        description=description,
        epilog=f"examples:\n{examples}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def add_common_options(parser: argparse.ArgumentParser, *, n_jobs: bool = True) -> None:
    """--format, --quiet and (where work is parallel) --n-jobs."""
    parser.add_argument(
        "--format",
        choices=("table", "json", "csv"),
        default="table",
        help="output: a readable table (default), or json / csv for scripts",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress bar, notes or warnings on stderr",
    )
    if n_jobs:
        parser.add_argument(
            "--n-jobs",
            type=int,
            default=None,
            metavar="N",
            help="parallel jobs through joblib (default 1, -1 all processors)",
        )


def note(args: argparse.Namespace, message: str) -> None:
    """A note for the user on stderr (not with --quiet)."""
    if not args.quiet:
        sys.stderr.write(f"platevision {args.command}: {message}\n")


@contextlib.contextmanager
def warnings_as_notes(args: argparse.Namespace) -> Iterator[None]:
    """Warnings raised inside are one line each on stderr, as notes are (none
    with --quiet), instead of Python's two lines naming library code.

    platevision's own warnings (a photo without a face, a character without a
    tile) are part of the command's output: each is shown once, whatever the
    interpreter's warning filters say.
    """
    from platevision.exceptions import PlatevisionWarning

    def show(message: Any, category: Any, *_: Any, **__: Any) -> None:
        note(args, f"warning: {one_line(message)}")

    with warnings.catch_warnings():
        warnings.simplefilter("default", PlatevisionWarning)
        warnings.showwarning = show
        yield


@contextlib.contextmanager
def naming_files(paths: Sequence[str], offset: int = 0) -> Iterator[None]:
    """Warnings raised inside about an item of X by its index (they carry the
    index as ``index``, e.g. :class:`~platevision.exceptions.FaceNotFoundWarning`)
    name the item's file instead: item ``i`` is ``paths[offset + i]``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for record in caught:
        text = str(record.message)
        index = getattr(record.message, "index", None)
        if index is not None and 0 <= offset + index < len(paths):
            text = text.replace(f"X[{index}]", repr(paths[offset + index]))
        warnings.warn_explicit(text, record.category, record.filename, record.lineno)


Progress = Callable[[Iterable[Any], int, str], Iterable[Any]]


def progress_for(args: argparse.Namespace) -> Progress:
    """A tqdm progress bar on stderr, off with --quiet or when stderr is no tty."""

    def progress(items: Iterable[Any], total: int, desc: str) -> Iterable[Any]:
        from tqdm.auto import tqdm

        disable = args.quiet or not sys.stderr.isatty()
        return tqdm(items, total=total, desc=desc, file=sys.stderr, disable=disable)

    return progress


def _json_value(value: Any) -> Any:
    """``value``, or None where it is a float that is not finite."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def emit(
    rows: Sequence[dict[str, Any]], fmt: str, stream: TextIO | None = None
) -> None:
    """Write rows (dicts with the same keys) as a table, JSON or CSV."""
    stream = sys.stdout if stream is None else stream
    if fmt == "json":
        # Strict JSON: a value that is not finite (the distance of a photo
        # without a face) is null, which every parser reads.
        finite = [
            {key: _json_value(value) for key, value in row.items()} for row in rows
        ]
        stream.write(json.dumps(finite, indent=2, allow_nan=False) + "\n")
        return
    if not rows:
        return
    columns = list(rows[0])
    if fmt == "csv":
        writer = csv.DictWriter(stream, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return

    def cell(value: Any) -> str:
        return f"{value:.3f}" if isinstance(value, float) else str(value)

    cells = [[cell(row[c]) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = [columns, ["-" * w for w in widths], *cells]
    for line in lines:
        stream.write(
            "  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip()
            + "\n"
        )


def check_files(paths: Sequence[str], what: str) -> None:
    """Every path must be an existing file."""
    for path in paths:
        if not os.path.exists(path):
            msg = f"{what} {path!r} does not exist."
            raise InputError(msg)
        if os.path.isdir(path):
            msg = f"{what} {path!r} is a folder; expected an image file."
            raise InputError(msg)


def check_output_file(path: str) -> str:
    """The absolute path of a model file to write: not a folder, in one that exists."""
    output = os.path.abspath(path)
    if os.path.isdir(output):
        msg = f"model file {output!r} is a folder; expected a file path."
        raise InputError(msg)
    if not os.path.isdir(os.path.dirname(output)):
        msg = f"folder {os.path.dirname(output)!r} of the model file does not exist."
        raise InputError(msg)
    return output


def read_images(
    paths: Sequence[str], progress: Progress, what: str = "image file"
) -> list[Any]:
    """Read every image first, so that bad input stops before any work or output."""
    from platevision.exceptions import ImageReadError
    from platevision.utils import read_image

    check_files(paths, what)
    images = []
    for path in progress(paths, len(paths), "reading"):
        try:
            images.append(read_image(path))
        except ImageReadError as err:
            raise InputError(one_line(err)) from err
    return images


def read_labelled_folder(
    folder: str, progress: Progress
) -> tuple[list[Any], Any, list[str]]:
    """A labelled folder's images, labels and image paths (manifest.csv or
    sub-folders)."""
    from platevision.datasets._loaders import _read_labelled_folder

    paths, labels = _read_labelled_folder(folder)
    return read_images(paths, progress), labels, list(paths)


def load_model(path: str, expected: type | tuple[type, ...] | None = None) -> Any:
    """A model file's estimator (errors name the file and what was expected)."""
    import platevision

    return platevision.load(path, expected=expected)


def map_batches(
    func: Callable[[list[Any]], Sequence[Any]],
    items: Sequence[Any],
    progress: Progress,
    desc: str,
    batch_size: int = 16,
    paths: Sequence[str] | None = None,
) -> list[Any]:
    """``func`` over batches of items, with a progress bar; results concatenated.

    With ``paths`` (the items' files), warnings naming an item of a batch by
    its index name its file (see :func:`naming_files`).
    """
    starts = range(0, len(items), batch_size)
    results: list[Any] = []
    for start in progress(starts, len(starts), desc):
        batch = list(items[start : start + batch_size])
        if paths is None:
            results.extend(func(batch))
            continue
        with naming_files(paths, offset=start):
            results.extend(func(batch))
    return results
