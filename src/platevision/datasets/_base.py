"""The data folder, and the helpers that the loaders and fetchers share."""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Sequence
from importlib import resources
from pathlib import Path, PurePosixPath, PureWindowsPath

__all__ = ["clear_data_home", "get_data_home"]

#: Environment variable naming the data folder when no ``data_home`` is given.
DATA_ENV = "PLATEVISION_DATA"
#: Folder used when neither the argument nor the environment variable is set.
DEFAULT_DATA_HOME = Path("~", "platevision_data")
#: File name of the table that lists the images of every set folder.
MANIFEST = "manifest.csv"


def get_data_home(
    data_home: str | os.PathLike[str] | None = None, *, create: bool = False
) -> Path:
    """Return the folder that holds platevision's data sets.

    The folder is, in order: the ``data_home`` argument, the ``PLATEVISION_DATA``
    environment variable, ``~/platevision_data``. A leading ``~`` is expanded. It
    holds one subfolder per set: ``faces/orl``, ``cars/stanford_cars_make``,
    ``plates/characters`` and ``plates/openalpr/<region>``.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The data folder. None uses ``PLATEVISION_DATA``, else
        ``~/platevision_data``.
    create : bool, default=False
        Create the folder (and its parents) if it does not exist. By default
        nothing is created.

    Returns
    -------
    data_home : pathlib.Path
        The absolute path of the data folder.

    Raises
    ------
    TypeError
        ``data_home`` is neither None, a string nor a path-like object.

    Examples
    --------
    >>> from platevision.datasets import get_data_home
    >>> root = getfixture("tmp_path")
    >>> home = get_data_home(root / "data")
    >>> home == root / "data", home.exists()
    (True, False)
    >>> get_data_home(root / "data", create=True).is_dir()
    True
    """
    if data_home is None:
        data_home = os.environ.get(DATA_ENV) or DEFAULT_DATA_HOME
    elif not isinstance(data_home, (str, os.PathLike)):
        msg = (
            "data_home must be None, a str or a path-like object; got "
            f"{type(data_home).__name__}."
        )
        raise TypeError(msg)
    path = Path(os.path.abspath(os.path.expanduser(os.fspath(data_home))))
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def clear_data_home(data_home: str | os.PathLike[str] | None = None) -> None:
    """Delete everything inside the data folder; keep the folder itself.

    Symbolic links inside the folder are removed, never followed, so data they
    point at elsewhere is kept. A folder that does not exist is left alone. To
    avoid accidents, a filesystem root, the home folder or one of its parents is
    refused.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The data folder, as in :func:`get_data_home`.

    Returns
    -------
    None

    Raises
    ------
    ValueError
        ``data_home`` is a filesystem root, the home folder or one of its parents.
    NotADirectoryError
        ``data_home`` exists but is a file.

    Examples
    --------
    >>> from platevision.datasets import clear_data_home, get_data_home
    >>> home = get_data_home(getfixture("tmp_path") / "data", create=True)
    >>> (home / "faces").mkdir()
    >>> _ = (home / "faces" / "a.txt").write_text("x")
    >>> clear_data_home(home)
    >>> home.is_dir(), list(home.iterdir())
    (True, [])
    """
    folder = get_data_home(data_home)
    if not os.path.lexists(folder):
        return
    resolved = folder.resolve()
    home = Path.home().resolve()
    if (
        resolved == Path(resolved.anchor)
        or resolved == home
        or resolved in home.parents
    ):
        msg = (
            f"data_home must be a dedicated data folder; got {str(folder)!r}, which "
            "is a filesystem root or the home folder (or one of its parents). "
            "Nothing was deleted."
        )
        raise ValueError(msg)
    if not resolved.is_dir():
        msg = f"data_home must be a folder; got {str(folder)!r}, which is a file."
        raise NotADirectoryError(msg)
    for entry in resolved.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def _set_folder(data_home: str | os.PathLike[str] | None, relative: str) -> Path:
    """Return one data set's folder, or raise an OSError that says how to fix it."""
    root = get_data_home(data_home)
    folder = root.joinpath(*relative.split("/"))
    if not folder.is_dir():
        where = (
            "the data_home argument"
            if data_home is not None
            else f"the {DATA_ENV} environment variable"
            if os.environ.get(DATA_ENV)
            else f"the default {DEFAULT_DATA_HOME}"
        )
        msg = (
            f"data set folder {str(folder)!r} does not exist (data folder "
            f"{str(root)!r}, from {where}). Expected a folder {relative}/ holding a "
            f"{MANIFEST} and its images. Point at the data with the data_home "
            f"argument or the {DATA_ENV} environment variable (a folder holding "
            "faces/, cars/ and plates/)."
        )
        raise FileNotFoundError(msg)
    return folder


def _check_relative_path(value: str, where: str, folder: Path) -> PurePosixPath:
    """Check that a manifest path stays inside its set folder."""
    posix = PurePosixPath(value)
    if (
        posix.is_absolute()
        or PureWindowsPath(value).is_absolute()
        or PureWindowsPath(value).drive
        or "\\" in value
    ):
        msg = (
            f"{where}: path must be relative to the set folder {str(folder)!r} "
            f"(forward slashes); got {value!r}."
        )
        raise ValueError(msg)
    if ".." in posix.parts:
        msg = (
            f"{where}: path must stay inside the set folder {str(folder)!r}; got "
            f"{value!r}, which contains '..'."
        )
        raise ValueError(msg)
    return posix


def _read_manifest(
    folder: Path,
    columns: Sequence[str],
    *,
    int_columns: Sequence[str] = (),
    positive_columns: Sequence[str] = (),
    optional_columns: Sequence[str] = (),
) -> dict[str, list]:
    """Read and check ``folder/manifest.csv``.

    Parameters
    ----------
    folder : Path
        The set folder. Paths in the manifest are relative to it.
    columns : sequence of str
        The columns that must be present; the first must be ``path``. Extra
        columns are allowed and ignored.
    int_columns : sequence of str, default=()
        Columns (among ``columns``) whose values must be integers.
    positive_columns : sequence of str, default=()
        Integer columns whose values must be > 0.
    optional_columns : sequence of str, default=()
        Columns (among ``columns``) that a row may leave empty, all of them
        together (a box not known for that image): their values are then None.

    Returns
    -------
    table : dict of str to list
        One list per required column, in row order. ``path`` holds absolute
        path strings of existing files; integer columns hold ints.

    Raises
    ------
    FileNotFoundError
        The manifest, or an image it lists, does not exist (the message names the
        manifest and the line).
    ValueError
        The manifest is malformed: a missing column, a row with the wrong number of
        fields or an empty value, a non-integer value, a path outside the folder,
        a duplicated path, no rows at all.
    """
    manifest = folder / MANIFEST
    if not manifest.is_file():
        msg = (
            f"manifest file {str(manifest)!r} does not exist; expected a CSV file "
            f"with columns {', '.join(columns)} listing the images of {str(folder)!r}."
        )
        raise FileNotFoundError(msg)
    table: dict[str, list] = {name: [] for name in columns}
    seen: dict[str, int] = {}
    base = os.path.abspath(folder)
    reader = None
    try:
        with manifest.open(newline="", encoding="utf-8-sig") as stream:
            # strict: an unclosed quote or stray text after a quote is an error.
            reader = csv.reader(stream, strict=True)
            header = next(reader, None)
            if header is None:
                msg = (
                    f"{manifest}, line 1: expected a header with columns "
                    f"{', '.join(columns)}; got an empty file."
                )
                raise ValueError(msg)
            header = [name.strip() for name in header]
            missing = [name for name in columns if name not in header]
            if missing:
                msg = (
                    f"{manifest}, line 1: the header must have the columns "
                    f"{', '.join(columns)}; column(s) {', '.join(missing)} missing, "
                    f"got {', '.join(header)}."
                )
                raise ValueError(msg)
            index = {name: header.index(name) for name in columns}
            for row in reader:
                if not row:  # a blank line
                    continue
                where = f"{manifest}, line {reader.line_num}"
                if len(row) != len(header):
                    msg = (
                        f"{where}: expected {len(header)} fields "
                        f"({', '.join(header)}); got {len(row)}: {row!r}."
                    )
                    raise ValueError(msg)
                given = [n for n in optional_columns if row[index[n]].strip()]
                if given and len(given) < len(optional_columns):
                    msg = (
                        f"{where}: columns {', '.join(optional_columns)} must all "
                        f"be given or all be empty; got only {', '.join(given)}."
                    )
                    raise ValueError(msg)
                for name in columns:
                    value = row[index[name]]
                    if name in optional_columns and not given:
                        table[name].append(None)
                        continue
                    if value.strip() == "":
                        msg = (
                            f"{where}: column {name!r} must not be empty; got "
                            f"{value!r}."
                        )
                        raise ValueError(msg)
                    if name in int_columns:
                        try:
                            number = int(value)
                        except ValueError:
                            msg = (
                                f"{where}: column {name!r} must be an integer; got "
                                f"{value!r}."
                            )
                            raise ValueError(msg) from None
                        if name in positive_columns and number <= 0:
                            msg = (
                                f"{where}: column {name!r} must be a positive "
                                f"integer; got {number}."
                            )
                            raise ValueError(msg)
                        table[name].append(number)
                    elif name != "path":
                        table[name].append(value)
                value = row[index["path"]]
                relative = _check_relative_path(value, where, folder)
                if value in seen:
                    msg = (
                        f"{where}: path {value!r} is listed twice (first on line "
                        f"{seen[value]}); expected each image once."
                    )
                    raise ValueError(msg)
                seen[value] = reader.line_num
                path = os.path.join(base, *relative.parts)
                if not os.path.isfile(path):
                    msg = (
                        f"{where}: image {value!r} does not exist; expected the file "
                        f"{path!r}."
                    )
                    raise FileNotFoundError(msg)
                table["path"].append(path)
    except UnicodeDecodeError as err:
        msg = f"manifest file {str(manifest)!r} must be UTF-8 text; {err}."
        raise ValueError(msg) from err
    except csv.Error as err:
        line = reader.line_num if reader is not None else 1
        msg = f"{manifest}, line {line}: not valid CSV: {err}."
        raise ValueError(msg) from err
    if not table["path"]:
        msg = (
            f"manifest file {str(manifest)!r} lists no images; expected at least one "
            "row after the header."
        )
        raise ValueError(msg)
    return table


def _load_descr(name: str) -> str:
    """Return the text of ``platevision/datasets/descr/<name>.rst``."""
    resource = resources.files("platevision.datasets") / "descr" / f"{name}.rst"
    return resource.read_text(encoding="utf-8")
