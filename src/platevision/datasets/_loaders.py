"""Loaders of the labelled image folders: faces, cars, plate characters, plates.

Every set is a folder holding its images and a ``manifest.csv`` whose paths are
relative to the folder; the sets live under the data folder (see
:func:`~platevision.datasets.get_data_home`) at ``faces/orl``,
``cars/stanford_cars_make``, ``plates/characters`` and ``plates/openalpr/<region>``.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from sklearn.utils import Bunch

from platevision.datasets._base import _load_descr, _read_manifest, _set_folder

__all__ = ["load_cars", "load_faces", "load_plate_characters", "load_plates"]

FACES_FOLDER = "faces/orl"
CARS_FOLDER = "cars/stanford_cars_make"
CHARACTERS_FOLDER = "plates/characters"
PLATES_FOLDER = "plates/openalpr/{region}"
PLATE_REGIONS = ("us", "br")
CAR_LEVELS = ("make", "model")

PathLike = str | os.PathLike[str]


def _check_bool(value: Any, name: str) -> None:
    if not isinstance(value, (bool, np.bool_)):
        msg = f"{name} must be a bool; got {value!r} ({type(value).__name__})."
        raise TypeError(msg)


def _check_choice(value: Any, name: str, options: tuple[str, ...]) -> None:
    if not isinstance(value, str) or value not in options:
        expected = ", ".join(repr(option) for option in options)
        msg = f"{name} must be one of {expected}; got {value!r}."
        raise ValueError(msg)


def _images(paths: list[str], load_images: bool) -> list[Any]:
    if not load_images:
        return list(paths)
    from platevision.utils import read_image

    return [read_image(path) for path in paths]


def _labelled(
    relative: str,
    descr: str,
    *,
    data_home: PathLike | None,
    load_images: bool,
    columns: tuple[str, ...] = ("path", "label"),
    target: str = "label",
) -> tuple[Bunch, dict[str, list]]:
    folder = _set_folder(data_home, relative)
    table = _read_manifest(folder, columns)
    bunch = Bunch(
        images=_images(table["path"], load_images),
        target=np.asarray(table[target], dtype=str),
        filenames=np.asarray(table["path"], dtype=str),
        DESCR=_load_descr(descr),
    )
    bunch.target_names = np.unique(bunch.target)
    return bunch, table


def load_faces(
    *,
    data_home: PathLike | None = None,
    return_X_y: bool = False,
    load_images: bool = False,
) -> Bunch | tuple[list[Any], np.ndarray]:
    """Load the ORL (AT&T) faces: 400 grey photos of 40 people, 10 each.

    The set is read from ``<data_home>/faces/orl`` (images and ``manifest.csv``
    with columns ``path,label``); the label of a face is its person, ``s1`` to
    ``s40``.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The data folder holding ``faces/``; see
        :func:`~platevision.datasets.get_data_home`.
    return_X_y : bool, default=False
        Return ``(images, target)`` instead of a Bunch.
    load_images : bool, default=False
        Read the images into arrays (uint8, as stored). By default ``images``
        holds file paths, which every platevision estimator reads itself.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With ``images`` (list of absolute paths, or of ``(M, N)`` uint8 arrays
        when ``load_images=True``), ``target`` (ndarray of str, the person),
        ``target_names`` (sorted unique labels), ``filenames`` (ndarray of
        absolute paths) and ``DESCR`` (description, origin, licence, citation).
    (images, target) : tuple
        When ``return_X_y=True``.

    Raises
    ------
    OSError
        The set folder, its manifest or a listed image does not exist.
    ValueError
        The manifest is malformed (the message names its file and line).
    TypeError
        ``return_X_y`` or ``load_images`` is not a bool.

    Examples
    --------
    A tiny folder in the same format (the real set is not needed here):

    >>> import numpy as np
    >>> from PIL import Image
    >>> from platevision.datasets import load_faces
    >>> root = getfixture("tmp_path")
    >>> (root / "faces" / "orl" / "s1").mkdir(parents=True)
    >>> for n in (1, 2):
    ...     face = np.full((112, 92), 60 * n, dtype=np.uint8)
    ...     Image.fromarray(face).save(root / "faces" / "orl" / "s1" / f"{n}.png")
    >>> _ = (root / "faces" / "orl" / "manifest.csv").write_text(
    ...     "path,label\\ns1/1.png,s1\\ns1/2.png,s1\\n")
    >>> faces = load_faces(data_home=root)
    >>> len(faces.images), faces.target, faces.target_names
    (2, array(['s1', 's1'], dtype='<U2'), array(['s1'], dtype='<U2'))
    >>> X, y = load_faces(data_home=root, return_X_y=True, load_images=True)
    >>> X[0].shape, X[0].dtype
    ((112, 92), dtype('uint8'))
    """
    _check_bool(return_X_y, "return_X_y")
    _check_bool(load_images, "load_images")
    bunch, _ = _labelled(
        FACES_FOLDER, "faces", data_home=data_home, load_images=load_images
    )
    if return_X_y:
        return bunch.images, bunch.target
    return bunch


def load_cars(
    *,
    level: str = "make",
    data_home: PathLike | None = None,
    return_X_y: bool = False,
    load_images: bool = False,
) -> Bunch | tuple[list[Any], np.ndarray]:
    """Load the Stanford Cars make subset: 1,367 cropped car photos of 10 makes.

    The set is read from ``<data_home>/cars/stanford_cars_make`` (images and
    ``manifest.csv`` with columns ``path,label,model,source_file``). Each car has
    a make (10 classes) and a Stanford Cars model class (110 classes here).

    Parameters
    ----------
    level : {'make', 'model'}, default='make'
        Which label is ``target``: the make (``'Audi'``) or the model class
        (``'Audi S4 Sedan 2012'``).
    data_home : str or path-like, default=None
        The data folder holding ``cars/``; see
        :func:`~platevision.datasets.get_data_home`.
    return_X_y : bool, default=False
        Return ``(images, target)`` instead of a Bunch.
    load_images : bool, default=False
        Read the images into ``(M, N, 3)`` uint8 arrays. By default ``images``
        holds file paths.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With ``images``, ``target`` (ndarray of str, at ``level``),
        ``target_names`` (sorted unique targets), ``filenames``, ``make`` and
        ``model`` (ndarrays of str, both levels whatever ``level`` is),
        ``source_file`` (the file in the origin repository) and ``DESCR``.
    (images, target) : tuple
        When ``return_X_y=True``.

    Raises
    ------
    ValueError
        ``level`` is not 'make' or 'model', or the manifest is malformed.
    OSError
        The set folder, its manifest or a listed image does not exist.
    TypeError
        ``return_X_y`` or ``load_images`` is not a bool.

    Examples
    --------
    >>> from platevision.datasets import load_cars
    >>> load_cars(level="year")
    Traceback (most recent call last):
        ...
    ValueError: level must be one of 'make', 'model'; got 'year'.
    """
    _check_choice(level, "level", CAR_LEVELS)
    _check_bool(return_X_y, "return_X_y")
    _check_bool(load_images, "load_images")
    bunch, table = _labelled(
        CARS_FOLDER,
        "cars",
        data_home=data_home,
        load_images=load_images,
        columns=("path", "label", "model", "source_file"),
        target="label" if level == "make" else "model",
    )
    bunch.make = np.asarray(table["label"], dtype=str)
    bunch.model = np.asarray(table["model"], dtype=str)
    bunch.source_file = np.asarray(table["source_file"], dtype=str)
    if return_X_y:
        return bunch.images, bunch.target
    return bunch


def load_plate_characters(
    *,
    data_home: PathLike | None = None,
    return_X_y: bool = False,
    load_images: bool = False,
) -> Bunch | tuple[list[Any], np.ndarray]:
    """Load 1,772 character tiles cut from real Brazilian licence plates.

    The set is read from ``<data_home>/plates/characters`` (grey PNG tiles and
    ``manifest.csv`` with columns ``path,label``); there are 36 labels, ``0``-``9``
    and ``A``-``Z``, unbalanced (12 to 149 tiles each).

    Parameters
    ----------
    data_home : str or path-like, default=None
        The data folder holding ``plates/``; see
        :func:`~platevision.datasets.get_data_home`.
    return_X_y : bool, default=False
        Return ``(images, target)`` instead of a Bunch.
    load_images : bool, default=False
        Read the tiles into ``(M, N)`` uint8 arrays (they vary in size). By
        default ``images`` holds file paths.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With ``images``, ``target`` (ndarray of one-character str),
        ``target_names``, ``filenames`` and ``DESCR``.
    (images, target) : tuple
        When ``return_X_y=True``.

    Raises
    ------
    OSError
        The set folder, its manifest or a listed image does not exist.
    ValueError
        The manifest is malformed (the message names its file and line).
    TypeError
        ``return_X_y`` or ``load_images`` is not a bool.

    Examples
    --------
    >>> from platevision.datasets import load_plate_characters
    >>> load_plate_characters(data_home=getfixture("tmp_path"))
    Traceback (most recent call last):
        ...
    FileNotFoundError: data set folder '.../plates/characters' does not exist ...
    """
    _check_bool(return_X_y, "return_X_y")
    _check_bool(load_images, "load_images")
    bunch, _ = _labelled(
        CHARACTERS_FOLDER,
        "plate_characters",
        data_home=data_home,
        load_images=load_images,
    )
    if return_X_y:
        return bunch.images, bunch.target
    return bunch


def load_plates(
    *,
    region: str = "us",
    data_home: PathLike | None = None,
    return_X_y: bool = False,
    load_images: bool = False,
) -> Bunch | tuple[list[Any], np.ndarray]:
    """Load the OpenALPR end-to-end benchmark: vehicle photos, plate text and box.

    The set is read from ``<data_home>/plates/openalpr/<region>`` (photos and
    ``manifest.csv`` with columns ``path,plate_text,x,y,w,h``): 222 US photos or
    114 Brazilian ones, one labelled plate each. :func:`fetch_openalpr` downloads
    the US set into this format.

    Parameters
    ----------
    region : {'us', 'br'}, default='us'
        The benchmark folder: US or Brazilian plates.
    data_home : str or path-like, default=None
        The data folder holding ``plates/``; see
        :func:`~platevision.datasets.get_data_home`.
    return_X_y : bool, default=False
        Return ``(images, target)`` instead of a Bunch.
    load_images : bool, default=False
        Read the photos into arrays (uint8, RGB or RGBA as stored). By default
        ``images`` holds file paths.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With ``images``, ``target`` (ndarray of str, the plate text as the
        manifest writes it: upper case without spaces in the OpenALPR sets),
        ``boxes`` (int64 ndarray of shape (n_samples, 4): x, y,
        width, height of the plate in pixels, x and y of its top-left corner),
        ``filenames`` and ``DESCR``.
    (images, target) : tuple
        When ``return_X_y=True``.

    Raises
    ------
    ValueError
        ``region`` is not 'us' or 'br', or the manifest is malformed (the message
        names its file and line).
    OSError
        The set folder, its manifest or a listed image does not exist.
    TypeError
        ``return_X_y`` or ``load_images`` is not a bool.

    See Also
    --------
    fetch_openalpr : Download the US set, checked against known hashes.

    Examples
    --------
    >>> import numpy as np
    >>> from PIL import Image
    >>> from platevision.datasets import load_plates
    >>> folder = getfixture("tmp_path") / "plates" / "openalpr" / "us"
    >>> folder.mkdir(parents=True)
    >>> Image.fromarray(np.zeros((60, 80, 3), dtype=np.uint8)).save(folder / "a.jpg")
    >>> _ = (folder / "manifest.csv").write_text(
    ...     "path,plate_text,x,y,w,h\\na.jpg,ABC123,10,20,40,12\\n")
    >>> plates = load_plates(data_home=getfixture("tmp_path"))
    >>> plates.target, plates.boxes
    (array(['ABC123'], dtype='<U6'), array([[10, 20, 40, 12]]))
    """
    _check_choice(region, "region", PLATE_REGIONS)
    _check_bool(return_X_y, "return_X_y")
    _check_bool(load_images, "load_images")
    folder = _set_folder(data_home, PLATES_FOLDER.format(region=region))
    table = _read_manifest(
        folder,
        ("path", "plate_text", "x", "y", "w", "h"),
        int_columns=("x", "y", "w", "h"),
        positive_columns=("w", "h"),
    )
    bunch = Bunch(
        images=_images(table["path"], load_images),
        target=np.asarray(table["plate_text"], dtype=str),
        boxes=np.column_stack(
            [np.asarray(table[name], dtype=np.int64) for name in ("x", "y", "w", "h")]
        ),
        filenames=np.asarray(table["path"], dtype=str),
        DESCR=_load_descr("plates"),
    )
    if return_X_y:
        return bunch.images, bunch.target
    return bunch


#: Image file extensions a folder of sub-folders per label is read with.
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".pgm", ".ppm", ".tif", ".tiff")


def _read_labelled_folder(folder: PathLike) -> tuple[list[str], np.ndarray]:
    """The image paths and labels of a labelled folder, in one of two layouts.

    Either a ``manifest.csv`` with columns ``path,label`` (paths relative to the
    folder), or one sub-folder per label holding that label's images (files with
    an image extension, sorted by name; hidden files are skipped). Errors name the
    folder and what was expected.
    """
    root = os.path.abspath(os.fspath(folder))
    expected = (
        "expected a folder holding a manifest.csv (columns path,label) or one "
        "sub-folder of images per label"
    )
    if not os.path.exists(root):
        msg = f"folder {root!r} does not exist; {expected}."
        raise FileNotFoundError(msg)
    if not os.path.isdir(root):
        msg = f"{root!r} is a file; {expected}."
        raise NotADirectoryError(msg)
    if os.path.isfile(os.path.join(root, "manifest.csv")):
        from pathlib import Path

        table = _read_manifest(Path(root), ("path", "label"))
        return table["path"], np.asarray(table["label"], dtype=str)
    paths: list[str] = []
    labels: list[str] = []
    for label in sorted(os.listdir(root)):
        sub = os.path.join(root, label)
        if label.startswith(".") or not os.path.isdir(sub):
            continue
        for name in sorted(os.listdir(sub)):
            if not name.startswith(".") and name.lower().endswith(IMAGE_EXTENSIONS):
                paths.append(os.path.join(sub, name))
                labels.append(label)
    if not paths:
        msg = (
            f"folder {root!r} holds no labelled images; {expected} (image files "
            f"ending in {', '.join(IMAGE_EXTENSIONS)})."
        )
        raise ValueError(msg)
    return paths, np.asarray(labels, dtype=str)
