"""Checksummed download of the OpenALPR US benchmark into the data folder."""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import math
import os
import tempfile
import time
from collections.abc import Iterator, Sequence
from numbers import Integral, Real
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.utils import Bunch

from platevision.datasets import _registry
from platevision.datasets._base import MANIFEST, get_data_home
from platevision.datasets._loaders import PLATE_REGIONS, PLATES_FOLDER, load_plates

__all__ = ["fetch_openalpr"]

logger = logging.getLogger("platevision")

_MANIFEST_HEADER = ("path", "plate_text", "x", "y", "w", "h")
# HTTP statuses worth a retry; other 4xx errors will not change on a second try.
_TRANSIENT_STATUS = {408, 425, 429}


def fetch_openalpr(
    *,
    region: str = "us",
    data_home: str | os.PathLike[str] | None = None,
    download_if_missing: bool = True,
    return_X_y: bool = False,
    n_retries: int = 3,
    delay: float = 1.0,
    base_url: str | None = None,
) -> Bunch | tuple[list[Any], np.ndarray]:
    """Download the OpenALPR US end-to-end benchmark (if needed) and load it.

    The 222 photos and their 222 ground-truth ``.txt`` files of
    ``openalpr/benchmarks`` (commit ``9790ed2``, folder ``endtoend/us/``) are
    fetched into ``<data_home>/plates/openalpr/us``. Only files that are missing,
    or whose sha256 differs from the registry shipped with platevision, are
    downloaded; every download is checked before it is kept. A ``manifest.csv``
    is then written from the ground truths, so the folder has the format that
    :func:`load_plates` reads, and the set is returned as ``load_plates`` returns
    it. Nothing is downloaded until this function is called.

    Parameters
    ----------
    region : {'us'}, default='us'
        The benchmark folder. Only ``'us'`` can be fetched: see Raises.
    data_home : str or path-like, default=None
        The data folder; see :func:`~platevision.datasets.get_data_home`.
    download_if_missing : bool, default=True
        If False, raise an OSError instead of downloading missing files.
    return_X_y : bool, default=False
        Return ``(images, target)`` instead of a Bunch.
    n_retries : int, default=3
        How many times a download that failed on a network error is retried.
    delay : float, default=1.0
        Seconds to wait between retries.
    base_url : str, default=None
        Where to download from instead of the origin on
        ``raw.githubusercontent.com``: a mirror of ``endtoend/us/``. The files are
        checked against the same hashes.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        As :func:`load_plates` returns it: ``images`` (absolute paths),
        ``target`` (plate text), ``boxes`` (x, y, w, h), ``filenames``, ``DESCR``.
    (images, target) : tuple
        When ``return_X_y=True``.

    Raises
    ------
    ValueError
        ``region`` is not ``'us'``: the Brazilian files have no known origin
        hashes, so they cannot be downloaded with a checksum (load a local copy
        with ``load_plates(region='br')``). Also for other invalid arguments or a
        malformed ground-truth file.
    TypeError
        An argument has the wrong type.
    OSError
        Files are missing and ``download_if_missing=False``; a download failed
        after ``n_retries`` retries; a downloaded file's sha256 differs from the
        registry (the message names the file and both hashes, and nothing of that
        file is kept).

    See Also
    --------
    load_plates : Load the set from a folder without downloading.

    Examples
    --------
    >>> from platevision.datasets import fetch_openalpr
    >>> fetch_openalpr(region="br")
    Traceback (most recent call last):
        ...
    ValueError: region='br' cannot be fetched: ...
    >>> fetch_openalpr(data_home=getfixture("tmp_path"), download_if_missing=False)
    Traceback (most recent call last):
        ...
    FileNotFoundError: 444 of the 444 OpenALPR US files are missing or damaged in ...
    """
    _check_arguments(
        region=region,
        download_if_missing=download_if_missing,
        return_X_y=return_X_y,
        n_retries=n_retries,
        delay=delay,
        base_url=base_url,
    )
    root = get_data_home(data_home)
    folder = root.joinpath(*PLATES_FOLDER.format(region=region).split("/"))
    registry = _registry.load_openalpr_registry()
    stale = _stale_files(folder, registry)
    if stale:
        if not download_if_missing:
            msg = (
                f"{len(stale)} of the {len(registry)} OpenALPR US files are missing "
                f"or damaged in {str(folder)!r} (first: {stale[0]!r}) and "
                "download_if_missing=False. Pass download_if_missing=True to fetch "
                "them, or point data_home at a folder that holds plates/openalpr/us."
            )
            raise FileNotFoundError(msg)
        _download(
            folder,
            registry,
            stale,
            base_url=_registry.OPENALPR_BASE_URL if base_url is None else base_url,
            n_retries=int(n_retries),
            delay=float(delay),
        )
    _write_manifest(folder, sorted(name for name in registry if name.endswith(".txt")))
    return load_plates(region=region, data_home=root, return_X_y=return_X_y)


def _check_arguments(
    *,
    region: Any,
    download_if_missing: Any,
    return_X_y: Any,
    n_retries: Any,
    delay: Any,
    base_url: Any,
) -> None:
    if not isinstance(region, str) or region not in PLATE_REGIONS:
        msg = f"region must be 'us'; got {region!r}."
        raise ValueError(msg)
    if region != "us":
        msg = (
            f"region={region!r} cannot be fetched: the sha256 of the origin files of "
            f"{_registry.OPENALPR_REPOSITORY} endtoend/{region}/ are unknown (the "
            "copies the hashes would come from were re-encoded), so a download could "
            "not be checked. Only region='us' can be fetched; load a local copy with "
            f"load_plates(region={region!r}, data_home=...)."
        )
        raise ValueError(msg)
    for name, value in (
        ("download_if_missing", download_if_missing),
        ("return_X_y", return_X_y),
    ):
        if not isinstance(value, (bool, np.bool_)):
            msg = f"{name} must be a bool; got {value!r} ({type(value).__name__})."
            raise TypeError(msg)
    if not isinstance(n_retries, Integral) or isinstance(n_retries, bool):
        msg = f"n_retries must be an int >= 0; got {n_retries!r}."
        raise TypeError(msg)
    if n_retries < 0:
        msg = f"n_retries must be an int >= 0; got {n_retries!r}."
        raise ValueError(msg)
    if not isinstance(delay, Real) or isinstance(delay, bool):
        msg = f"delay must be a number of seconds >= 0; got {delay!r}."
        raise TypeError(msg)
    if not (math.isfinite(delay) and float(delay) >= 0):
        msg = f"delay must be a number of seconds >= 0; got {delay!r}."
        raise ValueError(msg)
    if base_url is not None and not isinstance(base_url, str):
        msg = f"base_url must be None or a URL string; got {type(base_url).__name__}."
        raise TypeError(msg)
    if isinstance(base_url, str) and not base_url.lower().startswith(
        ("http://", "https://")
    ):
        # The files are fetched over HTTP(S) (checksummed as they arrive).
        msg = (
            "base_url must be an http:// or https:// URL such as "
            f"'https://mirror.example/endtoend/us/'; got {base_url!r}."
        )
        raise ValueError(msg)


def _sha256(path: Path) -> str:
    import pooch

    return str(pooch.file_hash(str(path), alg="sha256"))


def _stale_files(folder: Path, registry: dict[str, str]) -> list[str]:
    """List the registry's files that are missing from ``folder`` or damaged."""
    stale = []
    for name, known in registry.items():
        path = folder / name
        if not path.is_file():
            stale.append(name)
        elif _sha256(path) != known.removeprefix("sha256:"):
            logger.warning(
                "%s has the wrong sha256 (damaged or changed); it will be fetched "
                "again.",
                path,
            )
            stale.append(name)
    return stale


class _HashingDownloader:
    """pooch's HTTP downloader, keeping the sha256 of what it received per URL.

    pooch deletes a download whose hash is wrong before it raises, so the received
    hash is recorded here for the error message.
    """

    def __init__(self) -> None:
        import pooch

        self._http = pooch.HTTPDownloader(progressbar=False)
        self.received: dict[str, str] = {}

    def __call__(
        self, url: str, output_file: Any, pup: Any, check_only: bool = False
    ) -> Any:
        self.received.pop(url, None)
        result = self._http(url, output_file, pup, check_only=check_only)
        if not check_only:
            self.received[url] = _sha256(Path(output_file))
        return result


@contextlib.contextmanager
def _quiet_pooch() -> Iterator[None]:
    """Silence pooch's own INFO messages; platevision logs its own instead."""
    import pooch

    pooch_logger = pooch.get_logger()
    level = pooch_logger.level
    pooch_logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        pooch_logger.setLevel(level)


def _is_transient(err: Exception) -> bool:
    response = getattr(err, "response", None)
    status = getattr(response, "status_code", None)
    return status is None or status >= 500 or status in _TRANSIENT_STATUS


def _download(
    folder: Path,
    registry: dict[str, str],
    names: Sequence[str],
    *,
    base_url: str,
    n_retries: int,
    delay: float,
) -> None:
    import pooch
    import requests

    # Retries are ours, not pooch's (retry_if_failed): pooch waits a fixed 1 s, 2 s,
    # ... between attempts and also retries checksum mismatches, which only repeat.
    pup = pooch.create(
        path=folder,
        base_url=base_url,
        registry={name: registry[name] for name in names},
        retry_if_failed=0,
    )
    downloader = _HashingDownloader()
    logger.info(
        "Downloading %d OpenALPR US file(s) from %s to %s", len(names), base_url, folder
    )
    with _quiet_pooch():
        for name in names:
            # A damaged copy is useless; remove it so that a failed download
            # leaves nothing of this file behind.
            (folder / name).unlink(missing_ok=True)
            url = pup.get_url(name)
            for attempt in range(n_retries + 1):
                try:
                    pup.fetch(name, downloader=downloader)
                    break
                except requests.RequestException as err:
                    # Before ValueError: requests' URL errors are both.
                    if attempt == n_retries or not _is_transient(err):
                        msg = (
                            f"could not download {name!r} from {url} after "
                            f"{attempt + 1} attempt(s): {err}. Nothing of it was "
                            f"kept in {str(folder)!r}; try again later or use "
                            "another base_url."
                        )
                        raise OSError(msg) from err
                    logger.warning(
                        "Download of %s failed (%s); retrying in %g s (%d left).",
                        url,
                        err,
                        delay,
                        n_retries - attempt,
                    )
                    time.sleep(delay)
                except ValueError as err:  # pooch: the sha256 does not match
                    expected = registry[name].removeprefix("sha256:")
                    received = downloader.received.get(url, "unknown")
                    msg = (
                        f"checksum mismatch for {name!r} downloaded from {url}: "
                        f"expected sha256 {expected}, got sha256 {received}. The "
                        f"file was not kept in {str(folder)!r}. The server may hold "
                        "a different or damaged copy; try again or use another "
                        "base_url."
                    )
                    raise OSError(msg) from err
            logger.debug("Downloaded %s", name)


def _read_ground_truth(path: Path, folder: Path) -> list[str]:
    """Read one OpenALPR ``.txt``: ``name\\tx\\ty\\tw\\th\\ttext`` on one line."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line]
    fields = lines[0].split("\t") if len(lines) == 1 else []
    if len(fields) != 6:
        msg = (
            f"ground-truth file {str(path)!r} must hold one line of 6 tab-separated "
            f"fields (image, x, y, w, h, plate text); got {lines!r}."
        )
        raise ValueError(msg)
    image, *box, text = (field.strip() for field in fields)
    try:
        [int(value) for value in box]
    except ValueError:
        msg = (
            f"ground-truth file {str(path)!r}: x, y, w, h must be integers; got "
            f"{box!r}."
        )
        raise ValueError(msg) from None
    if not (folder / image).is_file() or os.path.basename(image) != image:
        msg = (
            f"ground-truth file {str(path)!r} names the image {image!r}, which is not "
            f"a file in {str(folder)!r}."
        )
        raise ValueError(msg)
    return [image, text, *box]


def _write_manifest(folder: Path, ground_truths: Sequence[str]) -> None:
    """Write ``folder/manifest.csv`` from the ``.txt`` ground truths, atomically."""
    rows = sorted(_read_ground_truth(folder / name, folder) for name in ground_truths)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_MANIFEST_HEADER)
    writer.writerows(rows)
    content = buffer.getvalue().encode("utf-8")
    manifest = folder / MANIFEST
    if manifest.is_file() and manifest.read_bytes() == content:
        return
    # Write a temporary file next to the manifest, then rename it over the old one:
    # a reader never sees a half-written manifest, even if this process dies.
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".manifest-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, manifest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    logger.info("Wrote %s (%d plates)", manifest, len(rows))
