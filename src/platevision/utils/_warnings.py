"""Warnings that point at the user's code, not at platevision's or scikit-learn's."""

from __future__ import annotations

import inspect
import os
import warnings

import sklearn

import platevision

# Frames in these folders are the library's own: scikit-learn's included, whose
# ``_fit_context`` wraps every ``fit`` in a frame of its own.
_LIBRARY_FOLDERS = tuple(
    os.path.dirname(str(package.__file__)) + os.sep
    for package in (platevision, sklearn)
)


def _user_stacklevel() -> int:
    """The ``stacklevel`` of the first frame outside the library, counted from
    the caller of :func:`warn_user` (1 would name that caller)."""
    frame = inspect.currentframe()
    # Skip this function and warn_user: level 1 is warn_user's caller.
    frame = frame.f_back.f_back if frame is not None and frame.f_back else None
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(_LIBRARY_FOLDERS):
        if frame.f_back is None:
            break  # no user code above (the library's own entry point)
        frame = frame.f_back
        level += 1
    return level


def warn_user(message: str | Warning, category: type[Warning]) -> None:
    """Warn with ``message``, attributed to the line of the user's code that
    called into the library (however deep the warning is raised), so that the
    warning shows where the user can act and filters by module work."""
    # +1: the level counts from here, one frame below our caller.
    warnings.warn(message, category, stacklevel=_user_stacklevel() + 1)
