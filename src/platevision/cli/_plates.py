"""``platevision read`` and ``platevision plates train``: licence plates in photos."""

from __future__ import annotations

import argparse
import csv
import os
from typing import Any

from platevision.cli._common import (
    InputError,
    add_common_options,
    check_output_file,
    command_parser,
    emit,
    load_model,
    map_batches,
    note,
    progress_for,
    read_images,
)

READ_EXAMPLES = """\
  platevision read car.jpg -m plates.skops
  platevision read photos/*.jpg -m plates.skops --format csv
  platevision read car.jpg -m plates.skops --top 5 --format json

A MODEL is a PlateReader written by 'platevision plates train' (or
platevision.save). Without -m a reader is first fitted on synthetic plates of the
pattern LLLDDDD (platevision.datasets.make_plates): enough to try the command,
not to read real photos well."""

TRAIN_EXAMPLES = """\
  platevision plates train br-photos/ -o plates.skops
  platevision plates train uk/ -o uk.skops --patterns LLDDLLL
  platevision plates train us/ -o us.skops --patterns us

FOLDER holds a manifest.csv with columns path,plate_text and, where known, the
plate's box x,y,w,h (pixels, top-left corner), as platevision.datasets.load_plates
reads; paths are relative to FOLDER. A photo whose box is not known leaves x,y,w,h
empty, and the reader finds its plate."""


def add_parser(subparsers: Any) -> None:
    read = command_parser(
        subparsers,
        "read",
        help="find and read the licence plates in photos",
        description=(
            "Find the licence plate in each PHOTO and read it with a PlateReader: "
            "the most probable text with its probability, the other plausible "
            "texts, and the plate's box (x, y, width, height). A photo where no "
            "plate is read gets an empty text."
        ),
        examples=READ_EXAMPLES,
    )
    read.add_argument("photos", nargs="+", metavar="PHOTO", help="photos")
    read.add_argument(
        "-m",
        "--model",
        default=None,
        metavar="MODEL",
        help="a saved PlateReader (default: fit one on synthetic plates)",
    )
    read.add_argument(
        "--top", type=int, default=3, metavar="N", help="readings listed (default 3)"
    )
    add_common_options(read)
    read.set_defaults(run=run_read)

    plates = command_parser(
        subparsers,
        "plates",
        help="train a plate reader (train)",
        description="Fit a PlateReader on labelled photos of a region's plates.",
        examples="  platevision plates train photos/ -o plates.skops",
    )
    actions = plates.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    train = command_parser(
        actions,
        "train",
        help="fit a PlateReader on a labelled folder and save it",
        description=(
            "Fit a PlateReader on the photos of FOLDER (their plate texts and, "
            "where given, boxes) and save it to MODEL (a safe model file, see "
            "platevision.save). The plate patterns are learned from the texts "
            "unless --patterns is given."
        ),
        examples=TRAIN_EXAMPLES,
    )
    train.add_argument("folder", metavar="FOLDER", help="labelled folder of photos")
    train.add_argument(
        "-o", "--output", required=True, metavar="MODEL", help="model file to write"
    )
    train.add_argument(
        "--patterns",
        nargs="+",
        default=None,
        metavar="PATTERN",
        help="a region key (br, uk, us, mercosur) or patterns such as LLLDLDD "
        "(default: learned from the texts)",
    )
    train.add_argument(
        "--ink",
        choices=("auto", "dark", "light", "both"),
        default="auto",
        help="characters darker than the plate, lighter, either, or learned "
        "from the training photos (auto, the default)",
    )
    add_common_options(train)
    train.set_defaults(run=run_train)


def _read_plate_folder(folder: str) -> tuple[list[str], list[str], Any]:
    """Photo paths, texts and boxes (or None) of a plate folder's manifest."""
    import numpy as np

    from platevision.datasets._base import _read_manifest

    root = os.path.abspath(folder)
    manifest = os.path.join(root, "manifest.csv")
    if not os.path.isfile(manifest):
        msg = (
            f"folder {root!r} has no manifest.csv; expected one with columns "
            "path,plate_text (and x,y,w,h for the plate boxes)."
        )
        raise InputError(msg)
    with open(manifest, newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle), [])
    boxed = all(name in header for name in ("x", "y", "w", "h"))
    from pathlib import Path

    columns = ("path", "plate_text", *(("x", "y", "w", "h") if boxed else ()))
    try:
        table = _read_manifest(
            Path(root),
            columns,
            int_columns=("x", "y", "w", "h") if boxed else (),
            positive_columns=("w", "h") if boxed else (),
            optional_columns=("x", "y", "w", "h") if boxed else (),
        )
    except (ValueError, OSError) as err:
        raise InputError(str(err)) from err
    paths = [os.path.join(root, p) for p in table["path"]]
    boxes = None
    if boxed:
        # A photo whose box is not known (x,y,w,h left empty) is None: the
        # reader finds its plate.
        boxes = [
            None if x is None else np.array([x, y, w, h], dtype=np.int64)
            for x, y, w, h in zip(*(table[c] for c in "xywh"), strict=True)
        ]
    return paths, list(table["plate_text"]), boxes


def run_train(args: argparse.Namespace) -> int:
    import platevision
    from platevision.reader import PlateReader

    output = check_output_file(args.output)
    paths, texts, boxes = _read_plate_folder(args.folder)
    images = read_images(paths, progress_for(args), "photo")
    patterns = args.patterns
    if patterns is not None and len(patterns) == 1:
        patterns = patterns[0]
    reader = PlateReader(patterns, ink=args.ink, random_state=0, n_jobs=args.n_jobs)
    note(args, f"fitting on {len(texts)} photos")
    try:
        reader.fit(images, texts, boxes=boxes)
    except ValueError as err:
        msg = f"{args.folder}: {err}"
        raise InputError(msg) from err
    platevision.save(reader, output)
    emit(
        [
            {
                "model": output,
                "photos": len(texts),
                "plates cut": reader.n_training_plates_,
                "character tiles": reader.n_training_tiles_,
                "patterns": " ".join(reader.patterns_),
            }
        ],
        args.format,
    )
    return 0


def _synthetic_reader(n_jobs: Any) -> Any:
    from platevision.datasets import make_plates
    from platevision.reader import PlateReader
    from platevision.restoration import PlateCharacterRestorer

    plates: Any = make_plates(80, pattern="LLLDDDD", random_state=0)
    restorer = PlateCharacterRestorer(n_augment=1, random_state=0, n_jobs=n_jobs)
    reader = PlateReader("LLLDDDD", restorer=restorer, random_state=0, n_jobs=n_jobs)
    return reader.fit(plates.images, plates.target, boxes=plates.boxes)


def run_read(args: argparse.Namespace) -> int:
    import warnings

    from platevision.exceptions import PlateNotFoundWarning
    from platevision.reader import PlateReader

    if args.top < 1:
        msg = f"--top must be >= 1; got {args.top}."
        raise InputError(msg)
    progress = progress_for(args)
    images = read_images(args.photos, progress, "photo")
    if args.model is not None:
        reader = load_model(args.model, PlateReader)
        reader.set_params(n_jobs=args.n_jobs)
    else:
        note(
            args,
            "no model given (-m): fitting a PlateReader on synthetic plates "
            "(platevision.datasets.make_plates, pattern LLLDDDD) first",
        )
        reader = _synthetic_reader(args.n_jobs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PlateNotFoundWarning)
        found = map_batches(reader.read, images, progress, "reading")
    rows = []
    for photo, plates in zip(args.photos, found, strict=True):
        if not plates:
            rows.append(
                {
                    "photo": photo,
                    "plate": "",
                    "probability": "",
                    "others": "",
                    "box": "",
                }
            )
            continue
        plate = plates[0]
        readings = plate.readings[: args.top]
        rows.append(
            {
                "photo": photo,
                "plate": readings[0][0],
                "probability": round(readings[0][1], 3),
                "others": " ".join(f"{t}:{p:.3f}" for t, p in readings[1:]),
                "box": " ".join(str(v) for v in plate.box),
            }
        )
    emit(rows, args.format)
    return 0
