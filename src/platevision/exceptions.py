"""Warnings and errors raised by platevision."""

from __future__ import annotations

__all__ = [
    "FaceNotFoundWarning",
    "ImageReadError",
    "ModelFileError",
    "PlateNotFoundWarning",
    "PlatevisionWarning",
    "UntrustedTypesError",
]


class PlatevisionWarning(UserWarning):
    """Base class of the warnings platevision emits.

    Examples
    --------
    >>> import warnings
    >>> from platevision.exceptions import PlatevisionWarning
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warnings.warn("no face found in item 3", PlatevisionWarning, stacklevel=2)
    >>> caught[0].category.__name__
    'PlatevisionWarning'
    """


class ImageReadError(OSError):
    """An image file could not be read: missing, truncated, not an image, too large.

    It subclasses :class:`OSError`, so ``except OSError`` catches it too. The message
    names the file and what was expected.

    Examples
    --------
    >>> from platevision.exceptions import ImageReadError
    >>> from platevision.utils import read_image
    >>> try:
    ...     read_image("no/such/file.png")
    ... except ImageReadError as err:
    ...     print(err)
    image file 'no/such/file.png' does not exist.
    """


class FaceNotFoundWarning(PlatevisionWarning):
    """No face was found in an image given to a face classifier with ``detect``.

    The message names the item (its index in ``X`` or its file). At prediction
    the item is predicted as the classifier's ``unknown_label``.

    Parameters
    ----------
    message : str
        What happened, naming the item.
    index : int, default=None
        The item's index in the ``X`` it came in (for a program that knows what
        that item stands for, a file or a camera frame).
    reason : str, default=None
        What was done instead, e.g. ``'used whole for training'``.

    Examples
    --------
    >>> import warnings
    >>> from platevision.exceptions import FaceNotFoundWarning, PlatevisionWarning
    >>> issubclass(FaceNotFoundWarning, PlatevisionWarning)
    True
    >>> FaceNotFoundWarning("no face found in X[2]", index=2).index
    2
    """

    def __init__(
        self, message: str, index: int | None = None, reason: str | None = None
    ) -> None:
        super().__init__(message)
        self.index = index
        self.reason = reason


class PlateNotFoundWarning(PlatevisionWarning):
    """No plate was found, or none could be read, in an image given to a plate reader.

    The message names the item (its index in ``X`` or its file) and the reason. At
    prediction the item gets no reading (an empty text).

    Examples
    --------
    >>> from platevision.exceptions import PlateNotFoundWarning, PlatevisionWarning
    >>> issubclass(PlateNotFoundWarning, PlatevisionWarning)
    True
    """


class ModelFileError(OSError):
    """A model file could not be loaded: not a model, corrupt, wrong version or kind.

    Raised by :func:`platevision.load`. It subclasses :class:`OSError`, so
    ``except OSError`` catches it too. The message names the file and what was
    expected.

    Examples
    --------
    >>> import platevision
    >>> from platevision.exceptions import ModelFileError
    >>> path = getfixture("tmp_path") / "notes.skops"
    >>> _ = path.write_text("not a model")
    >>> try:
    ...     platevision.load(path)
    ... except ModelFileError as err:
    ...     print(err)
    model file '.../notes.skops' is truncated or corrupt (File is not a zip file); \
expected a platevision model file written by platevision.save (a skops archive \
with platevision.json).
    """


class UntrustedTypesError(ModelFileError):
    """A model file names types outside the trust policy; it was not loaded.

    Loading it could run code (for example a schema naming ``os.system``, or a
    pickle inside the archive). Raised by :func:`platevision.load`.

    Examples
    --------
    >>> from platevision.exceptions import ModelFileError, UntrustedTypesError
    >>> issubclass(UntrustedTypesError, ModelFileError)
    True
    """
