"""The ``platevision`` command line: a thin argparse layer over the public API.

Each sub-command group lives in its own module ``platevision.cli._<name>`` with an
``add_parser(subparsers)`` function that adds its parser(s) and sets ``run`` (a
function of the parsed arguments returning the exit code). :data:`COMMANDS` lists
the modules, in the order ``platevision --help`` shows them.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from platevision.cli._common import InputError, one_line, warnings_as_notes

__all__ = ["COMMANDS", "build_parser", "main"]

#: Sub-command modules (``platevision.cli._<name>``), in --help order.
COMMANDS = ("demo", "plates", "restore", "faces", "cars", "evaluate")

DESCRIPTION = """\
Recognise faces, cars and licence plates, broken plate characters included.

Exit codes: 0 success, 1 bad input (one line names the file and what was
expected; nothing is written), 2 usage error."""

EPILOG = """\
examples:
  platevision demo                      read and restore broken characters, report
  platevision plates train photos/ -o plates.skops
  platevision read car.jpg -m plates.skops
  platevision restore tile.png -o out/  read a broken character, write its restoration
  platevision faces train faces/ -o faces.skops
  platevision faces identify faces.skops photo.jpg
  platevision cars train cars/ -o cars.skops
  platevision cars predict cars.skops car.jpg
  platevision evaluate faces.skops test-faces/
  platevision COMMAND --help            the options and examples of one command"""


def build_parser() -> argparse.ArgumentParser:
    """The ``platevision`` argument parser, with every sub-command."""
    import platevision

    parser = argparse.ArgumentParser(
        prog="platevision",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"platevision {platevision.__version__}"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in COMMANDS:
        importlib.import_module(f"platevision.cli._{name}").add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0, 1 bad input, 2 usage).

    Parameters
    ----------
    argv : sequence of str, default=None
        The arguments, without the program name; None uses ``sys.argv[1:]``.

    Returns
    -------
    code : int
        0 on success, 1 on bad input (a missing or unreadable file, an empty
        folder, a model file that is not one or of the wrong kind), 2 on a usage
        error.

    Examples
    --------
    >>> from platevision.cli import main
    >>> main(["faces", "identify", "no-such-model.skops", "photo.png"])
    1
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        # --help and --version exit 0, usage errors 2.
        return exit_.code if isinstance(exit_.code, int) else 2
    try:
        with warnings_as_notes(args):
            return int(args.run(args))
    except BrokenPipeError:
        # The reader went away (``platevision ... | head``): stop quietly, and
        # keep Python from complaining again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except (InputError, OSError, ValueError) as err:
        sys.stderr.write(f"platevision {args.command}: error: {one_line(err)}\n")
        return 1
