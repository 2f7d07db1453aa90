"""``platevision evaluate``: a model's accuracy on a labelled folder."""

from __future__ import annotations

import argparse
from typing import Any

from platevision.cli._common import (
    add_common_options,
    command_parser,
    emit,
    load_model,
    map_batches,
    progress_for,
    read_labelled_folder,
)


def add_parser(subparsers: Any) -> None:
    parser = command_parser(
        subparsers,
        "evaluate",
        help="measure a model's accuracy on a labelled folder",
        description=(
            "Predict every image of FOLDER with the classifier in MODEL (a model "
            "file written by platevision.save or a 'train' command) and print the "
            "accuracy per label and overall (label 'all')."
        ),
        examples=(
            "  platevision evaluate faces.skops test-faces/\n"
            "  platevision evaluate restorer.skops DATA/plates/characters --format "
            "json"
        ),
    )
    parser.add_argument("model", metavar="MODEL", help="a classifier's model file")
    parser.add_argument(
        "folder",
        metavar="FOLDER",
        help="labelled folder: a manifest.csv with columns path,label, or one "
        "sub-folder of images per label",
    )
    add_common_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import numpy as np
    from sklearn.base import ClassifierMixin

    model = load_model(args.model, ClassifierMixin)
    if "n_jobs" in model.get_params():
        model.set_params(n_jobs=args.n_jobs)
    progress = progress_for(args)
    images, labels, paths = read_labelled_folder(args.folder, progress)
    predicted = np.asarray(
        map_batches(
            lambda batch: list(model.predict(batch)),
            images,
            progress,
            "predicting",
            paths=paths,
        )
    ).astype(str)
    if predicted.ndim == 2:
        # A model of (make, model) pairs: a labelled folder names the make.
        predicted = predicted[:, 0]
    rows = []
    for label in [*np.unique(labels), "all"]:
        chosen = labels == label if label != "all" else np.ones(len(labels), bool)
        correct = int((predicted[chosen] == labels[chosen]).sum())
        rows.append(
            {
                "label": str(label),
                "images": int(chosen.sum()),
                "correct": correct,
                "accuracy": round(correct / int(chosen.sum()), 3),
            }
        )
    emit(rows, args.format)
    return 0
