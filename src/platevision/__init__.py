"""Recognise faces, cars and licence plates, broken plate characters included.

``platevision`` gives scikit-learn estimators and transformers for images. Importing
the package is cheap: subpackages are imported when first used, so
``import platevision`` loads neither OpenCV nor scikit-learn.

Subpackages
-----------
classification
    ``FaceKNNClassifier``: recognises people from face photos and rejects
    strangers; ``CarForestClassifier``: a car's make (and model) from a photo;
    ``detect_faces``.
datasets
    Loaders for labelled image folders, a checksummed fetcher, synthetic plate
    characters and a damage model.
features
    Image feature transformers (HOG, LBP, colour histograms, Fisher vectors)
    and a resizer.
metrics
    Calibration of predicted probabilities (ECE, multiclass Brier), character
    accuracy of plate texts, and box IoU.
plotting
    Figures of the restorer's readings, a face's neighbours and a car model's
    feature importances (needs matplotlib, ``platevision[plot]``).
reader
    ``PlateReader``: finds licence plates in photos and reads them, with every
    plausible reading and plate syntax priors.
restoration
    ``PlateCharacterRestorer``: reads broken plate characters, restores them and
    gives every plausible reading with its probability.
utils
    Image input conversion, parallel helpers and estimator discovery.

Functions
---------
save, load
    Safe model files (skops, no pickle): ``platevision.save(model, path)``,
    ``platevision.load(path)``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0.dev0"

_SUBPACKAGES = (
    "classification",
    "datasets",
    "exceptions",
    "features",
    "metrics",
    "plotting",
    "reader",
    "restoration",
    "utils",
)

#: Functions of the top-level namespace, and the private module defining them.
_FUNCTIONS = {"load": "_persistence", "save": "_persistence"}

__all__ = ["__version__", *_SUBPACKAGES, *_FUNCTIONS]

if TYPE_CHECKING:  # pragma: no cover
    from platevision import (  # noqa: F401
        classification,
        datasets,
        exceptions,
        features,
        metrics,
        plotting,
        reader,
        restoration,
        utils,
    )
    from platevision._persistence import load, save  # noqa: F401


def __getattr__(name: str) -> Any:
    # PEP 562 lazy import: keeps `import platevision` fast and free of cv2/sklearn.
    if name in _SUBPACKAGES:
        module = importlib.import_module(f"platevision.{name}")
        globals()[name] = module
        return module
    if name in _FUNCTIONS:
        function = getattr(
            importlib.import_module(f"platevision.{_FUNCTIONS[name]}"), name
        )
        globals()[name] = function
        return function
    msg = f"module 'platevision' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
