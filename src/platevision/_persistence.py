"""Safe model files: save and load estimators without pickle.

A model file is a skops file (a zip archive: ``schema.json`` describing the
objects, ``*.npy`` arrays stored with ``allow_pickle=False``) plus a member
``platevision.json`` naming the format, the platevision version that wrote it and
the estimator's class. Loading never runs code from the file: the archive's
members, its metadata and every type its schema names are checked against an
explicit trust policy before skops builds anything, and skops' own audit then
checks them again.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import re
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from platevision.exceptions import ModelFileError, UntrustedTypesError

__all__ = ["load", "save"]

PathLike = str | os.PathLike[str]

#: Name of the archive member that holds platevision's metadata.
METADATA = "platevision.json"
#: Value of the metadata's "format" field.
FORMAT = "platevision-model"
#: Version of the layout of the metadata; bumped if it changes incompatibly.
FORMAT_VERSION = 1
#: Archive members a model file may hold: skops' schema and arrays, our metadata.
_MEMBER = re.compile(r"(schema\.json|platevision\.json|[0-9]+\.npy)")

# The trust policy. A type is trusted when it is one of these builtins, a numpy
# array, scalar, dtype or random generator, or a class (never a function: no
# FunctionNode, MethodNode, PartialNode) defined in scikit-learn or platevision.
# Saving every platevision estimator, fitted, names only such types; anything
# else (``builtins.eval``, ``posix.system``, ``numpy.load``, ...) is refused.
_TRUSTED_BUILTINS = frozenset(
    {
        "bool",
        "bytes",
        "complex",
        "dict",
        "float",
        "frozenset",
        "int",
        "list",
        "NoneType",
        "set",
        "slice",
        "str",
        "tuple",
    }
)
_TRUSTED_PACKAGES = ("numpy", "sklearn", "platevision")
_CALLABLE_LOADERS = frozenset(
    {"FunctionNode", "MethodNode", "PartialNode", "OperatorFuncNode"}
)


def _type_names(node: Any) -> Iterator[tuple[str, str, str | None]]:
    """Yield ``(module, class, loader)`` for every node of a skops schema."""
    if isinstance(node, dict):
        if "__module__" in node or "__class__" in node:
            yield (
                str(node.get("__module__")),
                str(node.get("__class__")),
                node.get("__loader__"),
            )
        for value in node.values():
            yield from _type_names(value)
    elif isinstance(node, list):
        for value in node:
            yield from _type_names(value)


def _resolve(module: str, name: str) -> Any:
    """The object ``module.name`` of a trusted package, or None if there is none."""
    try:
        obj: Any = importlib.import_module(module)
        for part in name.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError, ValueError):
        return None
    return obj


def _is_trusted(module: str, name: str, loader: str | None) -> bool:
    if loader in _CALLABLE_LOADERS:
        return False
    if module == "builtins":
        return name in _TRUSTED_BUILTINS
    if module.split(".")[0] not in _TRUSTED_PACKAGES:
        return False
    # Only modules of the trusted packages are imported here, to look the name up.
    obj = _resolve(module, name)
    if not isinstance(obj, type):
        return False
    if module.split(".")[0] == "numpy":
        import numpy as np

        return issubclass(
            obj, (np.ndarray, np.generic, np.dtype, np.random.RandomState)
        ) or obj.__module__.startswith(
            ("numpy.random._generator", "numpy.random._pcg64", "numpy.random._mt19937")
        )
    return not issubclass(obj, BaseException)


def _check_types(schema: Any, where: str) -> list[str]:
    """Return the schema's type names; raise if one is outside the trust policy."""
    names = set()
    untrusted = set()
    for module, name, loader in _type_names(schema):
        full = f"{module}.{name}"
        if _is_trusted(module, name, loader):
            names.add(full)
        else:
            untrusted.add(full if loader not in _CALLABLE_LOADERS else f"{full}()")
    if untrusted:
        msg = (
            f"{where} names types outside platevision's trust policy (numpy arrays "
            "and scalars, scikit-learn and platevision classes, plain containers): "
            f"{', '.join(sorted(untrusted))}. It was not loaded: it may run code."
        )
        raise UntrustedTypesError(msg)
    return sorted(names)


def _class_path(cls: type) -> str:
    """``cls``'s public dotted name (``platevision.restoration.X``, not ``._x``)."""
    parts = [part for part in cls.__module__.split(".") if not part.startswith("_")]
    return ".".join([*parts, cls.__qualname__])


def _major(version: str) -> str:
    return version.split(".")[0]


def _new_file_mode() -> int:
    """The permissions ``open`` gives a new file: 0o666 less the umask."""
    # The umask can only be read by setting it; it is put back at once.
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def save(estimator: Any, path: PathLike) -> Path:
    """Save an estimator to a safe model file (no pickle), atomically.

    The file is a skops archive with platevision's metadata: the format, the
    platevision version that wrote it and the estimator's class. It is written to
    a temporary file in the same folder, then renamed over ``path``: an error or a
    crash leaves no partial or temporary file and never damages an existing file
    at ``path``. The file gets the permissions of any new file (those the umask
    allows). Read more in the :ref:`User Guide <cli>`.

    Parameters
    ----------
    estimator : estimator instance
        A scikit-learn compatible estimator (usually fitted) made of types the
        trust policy accepts: numpy arrays and scalars, scikit-learn and
        platevision classes, plain containers.
    path : str or path-like
        The file to write, usually ending in ``.skops``. Its folder must exist.

    Returns
    -------
    path : pathlib.Path
        The absolute path of the file written.

    Raises
    ------
    TypeError
        ``estimator`` is not an estimator, or holds a type that :func:`load`
        would refuse (a function, a class from another package); nothing is
        written.
    FileNotFoundError
        The folder of ``path`` does not exist.
    IsADirectoryError
        ``path`` is a folder.

    See Also
    --------
    load : Load a model file written by ``save``.

    Examples
    --------
    >>> import platevision
    >>> from platevision.datasets import make_plate_characters
    >>> from platevision.restoration import PlateCharacterRestorer
    >>> X, y = make_plate_characters(4, alphabet="AB", return_X_y=True,
    ...                              random_state=0)
    >>> model = PlateCharacterRestorer(random_state=0).fit(X, y)
    >>> path = platevision.save(model, getfixture("tmp_path") / "model.skops")
    >>> path.name
    'model.skops'
    """
    import skops
    import skops.io as sio
    from sklearn.base import BaseEstimator

    import platevision

    if not isinstance(estimator, BaseEstimator):
        msg = (
            "estimator must be a scikit-learn compatible estimator (a BaseEstimator); "
            f"got {type(estimator).__name__}."
        )
        raise TypeError(msg)
    target = Path(os.path.abspath(os.fspath(path)))
    if target.is_dir():
        msg = f"model file {str(target)!r} is a folder; expected a file path."
        raise IsADirectoryError(msg)
    if not target.parent.is_dir():
        msg = (
            f"folder {str(target.parent)!r} does not exist; create it before saving "
            f"the model file {target.name!r}."
        )
        raise FileNotFoundError(msg)
    data = sio.dumps(estimator, compression=zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        schema = json.loads(archive.read("schema.json"))
    try:
        _check_types(schema, f"estimator {type(estimator).__name__}")
    except UntrustedTypesError as err:
        msg = f"{err} Nothing was written to {str(target)!r}."
        raise TypeError(msg) from None
    metadata = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "platevision_version": platevision.__version__,
        "skops_version": getattr(skops, "__version__", "unknown"),
        "estimator": _class_path(type(estimator)),
    }
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(METADATA, json.dumps(metadata, indent=1))
    fd, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(buffer.getvalue())
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes the file readable by its owner alone; a model file is
        # made as any other file is (what the umask allows).
        os.chmod(temporary, _new_file_mode())
        os.replace(temporary, target)
    except BaseException:
        # Also on KeyboardInterrupt: never leave the temporary file behind.
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return target


def _read_archive(target: Path) -> tuple[dict[str, Any], Any, bytes]:
    """Check a model file's archive and metadata; return metadata, schema, bytes."""
    where = f"model file {str(target)!r}"
    expected = (
        "expected a platevision model file written by platevision.save (a skops "
        "archive with platevision.json)"
    )
    data = target.read_bytes()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            unexpected = [name for name in names if not _MEMBER.fullmatch(name)]
            if unexpected:
                msg = (
                    f"{where} holds unexpected member(s) {', '.join(unexpected)}; "
                    f"{expected}, holding only schema.json, platevision.json and "
                    "*.npy arrays. It was not loaded."
                )
                raise UntrustedTypesError(msg)
            if METADATA not in names or "schema.json" not in names:
                msg = f"{where} is not a platevision model file; {expected}."
                raise ModelFileError(msg)
            metadata = json.loads(archive.read(METADATA))
            schema = json.loads(archive.read("schema.json"))
            bad = archive.testzip()
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, KeyError) as err:
        if isinstance(err, ModelFileError):
            raise
        msg = f"{where} is truncated or corrupt ({err}); {expected}."
        raise ModelFileError(msg) from err
    if bad is not None:
        msg = f"{where} is corrupt (member {bad} fails its checksum); {expected}."
        raise ModelFileError(msg)
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        msg = f"{where} is not a platevision model file; {expected}."
        raise ModelFileError(msg)
    return metadata, schema, data


def _check_metadata(metadata: dict[str, Any], where: str) -> None:
    import platevision

    written = str(metadata.get("platevision_version", "unknown"))
    if metadata.get("format_version") != FORMAT_VERSION or _major(written) != _major(
        platevision.__version__
    ):
        msg = (
            f"{where} was written by platevision {written} (format version "
            f"{metadata.get('format_version')}); this is platevision "
            f"{platevision.__version__}, which loads files of major version "
            f"{_major(platevision.__version__)} (format version {FORMAT_VERSION}). "
            "Fit and save the model again with this version."
        )
        raise ModelFileError(msg)


def load(path: PathLike, *, expected: type | tuple[type, ...] | None = None) -> Any:
    """Load an estimator from a model file written by :func:`save`, safely.

    Nothing in the file can run code: the archive may only hold skops' schema, its
    arrays (read without pickle) and platevision's metadata, and every type the
    schema names must be in the trust policy (numpy arrays and scalars,
    scikit-learn and platevision classes, plain containers) before anything is
    built. Read more in the :ref:`User Guide <cli>`.

    Parameters
    ----------
    path : str or path-like
        The model file.
    expected : class or tuple of classes, default=None
        The estimator must be an instance of one of these (for example
        :class:`~platevision.restoration.PlateCharacterRestorer`). None accepts
        any estimator.

    Returns
    -------
    estimator : estimator instance
        The estimator, as it was saved.

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist.
    platevision.exceptions.ModelFileError
        The file is not a platevision model file, is truncated or corrupt, was
        written by another major version of platevision, or holds an estimator of
        another kind than ``expected``. The message names the file and what was
        expected.
    platevision.exceptions.UntrustedTypesError
        The file names a type outside the trust policy (for example a function
        such as ``os.system``) or holds unexpected members (a pickle); it was not
        loaded.

    See Also
    --------
    save : Save an estimator to a model file.

    Examples
    --------
    >>> import platevision
    >>> from platevision.datasets import make_plate_characters
    >>> from platevision.restoration import PlateCharacterRestorer
    >>> X, y = make_plate_characters(4, alphabet="AB", return_X_y=True,
    ...                              random_state=0)
    >>> model = PlateCharacterRestorer(random_state=0).fit(X, y)
    >>> path = platevision.save(model, getfixture("tmp_path") / "model.skops")
    >>> loaded = platevision.load(path, expected=PlateCharacterRestorer)
    >>> bool((loaded.predict(X) == model.predict(X)).all())
    True
    """
    import skops.io as sio

    target = Path(os.path.abspath(os.fspath(path)))
    where = f"model file {str(target)!r}"
    if not target.exists():
        msg = f"{where} does not exist; expected a file written by platevision.save."
        raise FileNotFoundError(msg)
    if target.is_dir():
        msg = f"{where} is a folder; expected a file written by platevision.save."
        raise ModelFileError(msg)
    metadata, schema, data = _read_archive(target)
    _check_metadata(metadata, where)
    trusted = _check_types(schema, where)
    if expected is not None:
        classes = expected if isinstance(expected, tuple) else (expected,)
        wanted = " or ".join(cls.__name__ for cls in classes)
        obj = _resolve(str(schema.get("__module__")), str(schema.get("__class__")))
        if not (isinstance(obj, type) and issubclass(obj, classes)):
            msg = (
                f"{where} holds a {metadata.get('estimator', 'model')}; expected a "
                f"{wanted}."
            )
            raise ModelFileError(msg)
    try:
        estimator = sio.loads(data, trusted=trusted)
    except Exception as err:
        msg = (
            f"{where} could not be loaded ({type(err).__name__}: {err}); it may be "
            "corrupt."
        )
        raise ModelFileError(msg) from err
    return estimator
