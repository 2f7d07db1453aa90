"""``platevision demo``: the main job on characters the package makes itself."""

from __future__ import annotations

import argparse
import os
from typing import Any

from platevision.cli._common import (
    InputError,
    add_common_options,
    command_parser,
    emit,
    note,
    progress_for,
)

EXAMPLES = """\
  platevision demo                  synthetic characters, report in ./platevision-demo
  platevision demo -o /tmp/report   another output folder
  platevision demo --data ~/platevision_data
                                    real tiles (DATA/plates/characters)
  PLATEVISION_DATA=~/platevision_data platevision demo --format json"""


def add_parser(subparsers: Any) -> None:
    parser = command_parser(
        subparsers,
        "demo",
        help="read and restore broken plate characters; write an HTML report",
        description=(
            "Make plate characters (or, with --data or PLATEVISION_DATA, take the "
            "real character tiles), break them with every kind of damage, read and "
            "restore them with a PlateCharacterRestorer, print the accuracy per "
            "kind of damage and write an HTML report with the broken and restored "
            "tiles, their readings and probabilities. About a minute; no download."
        ),
        examples=EXAMPLES,
    )
    parser.add_argument(
        "-o",
        "--output",
        default="platevision-demo",
        metavar="DIR",
        help="folder the report is written to (default: ./platevision-demo)",
    )
    parser.add_argument(
        "--data",
        default=None,
        metavar="DATA",
        help="data folder holding plates/characters (default: PLATEVISION_DATA if "
        "set, else synthetic characters)",
    )
    parser.add_argument(
        "--n-train",
        type=int,
        default=6,
        metavar="N",
        help="training tiles per character (default 6)",
    )
    parser.add_argument(
        "--n-test",
        type=int,
        default=3,
        metavar="N",
        help="test tiles per character and kind of damage (default 3)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    add_common_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from platevision._demo import run_demo, write_report

    if args.n_train < 1 or args.n_test < 1:
        msg = f"--n-train and --n-test must be >= 1; got {args.n_train}, {args.n_test}."
        raise InputError(msg)
    data = args.data or os.environ.get("PLATEVISION_DATA") or None
    if data is not None:
        folder = os.path.join(os.path.expanduser(data), "plates", "characters")
        if not os.path.isfile(os.path.join(folder, "manifest.csv")):
            msg = (
                f"data folder {data!r} has no plates/characters/manifest.csv; expected "
                "the platevision data folder (or unset PLATEVISION_DATA for synthetic "
                "characters)."
            )
            raise InputError(msg)
    output = os.path.abspath(args.output)
    if os.path.isfile(output):
        msg = f"output {output!r} is a file; expected a folder (or a new path)."
        raise InputError(msg)
    note(args, "fitting a PlateCharacterRestorer, then reading (about a minute)")
    result = run_demo(
        data_home=data,
        n_train=args.n_train,
        n_test=args.n_test,
        random_state=args.seed,
        n_jobs=args.n_jobs,
        progress=progress_for(args),
    )
    report = write_report(result, output)
    emit(result.accuracy, args.format)
    note(args, f"{result.source}; done in {result.total_seconds:.0f} s")
    note(args, f"report written to {report}")
    return 0
