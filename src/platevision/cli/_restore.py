"""``platevision restore``: read broken character tiles, write their restorations."""

from __future__ import annotations

import argparse
import os
from typing import Any

from platevision.cli._common import (
    InputError,
    add_common_options,
    command_parser,
    emit,
    load_model,
    map_batches,
    note,
    progress_for,
    read_images,
)

EXAMPLES = """\
  platevision restore tile.png -o restored/
  platevision restore tiles/*.png -m restorer.skops -o restored/ --format csv
  platevision restore a.png b.png -o out/ --top-k 5 --format json

A MODEL is a PlateCharacterRestorer saved with platevision.save. Without -m a
default restorer is fitted on synthetic characters first (about a minute)."""


def add_parser(subparsers: Any) -> None:
    parser = command_parser(
        subparsers,
        "restore",
        help="read broken plate character tiles; write the restored tiles",
        description=(
            "Read broken plate character tiles with a PlateCharacterRestorer: print "
            "the most probable readings of each tile with their probabilities, and "
            "write each tile restored as its most probable reading to DIR "
            "(<tile name>.restored.png)."
        ),
        examples=EXAMPLES,
    )
    parser.add_argument("tiles", nargs="+", metavar="TILE", help="character tiles")
    parser.add_argument(
        "-m",
        "--model",
        default=None,
        metavar="MODEL",
        help="a saved PlateCharacterRestorer (default: fit one on synthetic "
        "characters)",
    )
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="DIR",
        help="folder the restored tiles are written to (created if needed)",
    )
    parser.add_argument(
        "--top-k",
        type=int,
        default=3,
        metavar="K",
        help="readings listed per tile (default 3)",
    )
    add_common_options(parser)
    parser.set_defaults(run=run)


def _outputs(tiles: list[str], output: str) -> list[str]:
    """One output file per tile, named after it; repeated names get a number."""
    names: list[str] = []
    for i, tile in enumerate(tiles):
        stem = os.path.splitext(os.path.basename(tile))[0]
        name = f"{stem}.restored.png"
        if name in names:
            name = f"{stem}-{i}.restored.png"
        names.append(name)
    return [os.path.join(output, name) for name in names]


def run(args: argparse.Namespace) -> int:
    from platevision._demo import default_restorer, save_png
    from platevision.restoration import PlateCharacterRestorer

    if args.top_k < 1:
        msg = f"--top-k must be >= 1; got {args.top_k}."
        raise InputError(msg)
    output = os.path.abspath(args.output)
    if os.path.isfile(output):
        msg = f"output {output!r} is a file; expected a folder (or a new path)."
        raise InputError(msg)
    progress = progress_for(args)
    images = read_images(args.tiles, progress, "tile")
    if args.model is not None:
        restorer = load_model(args.model, PlateCharacterRestorer)
        restorer.set_params(n_jobs=args.n_jobs)
    else:
        note(
            args,
            "no model given (-m): fitting a default PlateCharacterRestorer on "
            "synthetic characters (platevision.datasets.make_plate_characters) first",
        )
        restorer = default_restorer(n_jobs=args.n_jobs)
    readings = map_batches(
        lambda batch: restorer.readings(batch, top_k=args.top_k),
        images,
        progress,
        "restoring",
    )
    os.makedirs(output, exist_ok=True)
    rows = []
    for tile, path, tile_readings in zip(
        args.tiles, _outputs(args.tiles, output), readings, strict=True
    ):
        save_png(tile_readings[0].restored, path)
        rows.append(
            {
                "tile": tile,
                "reading": str(tile_readings[0].character),
                "probability": round(tile_readings[0].probability, 3),
                "others": " ".join(
                    f"{r.character}:{r.probability:.3f}" for r in tile_readings[1:]
                ),
                "restored": path,
            }
        )
    emit(rows, args.format)
    return 0
