"""``platevision cars train`` / ``platevision cars predict``."""

from __future__ import annotations

import argparse
import os
from typing import Any

from platevision.cli._common import (
    InputError,
    add_common_options,
    check_output_file,
    command_parser,
    emit,
    load_model,
    map_batches,
    note,
    progress_for,
    read_images,
    read_labelled_folder,
)

FOLDER_HELP = (
    "labelled folder: a manifest.csv with columns path,label (the make; a 'model' "
    "column too for --level model or both), or one sub-folder of photos per make"
)


def add_parser(subparsers: Any) -> None:
    cars = command_parser(
        subparsers,
        "cars",
        help="name the make (and model) of cars (train, predict)",
        description="Learn car makes and models from labelled photos; name new ones.",
        examples=(
            "  platevision cars train cars/ -o cars.skops\n"
            "  platevision cars predict cars.skops car1.jpg car2.jpg --top 3"
        ),
    )
    actions = cars.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True

    train = command_parser(
        actions,
        "train",
        help="fit a CarForestClassifier on a labelled folder and save it",
        description=(
            "Fit a CarForestClassifier on the photos of FOLDER and save it to MODEL "
            "(a safe model file, see platevision.save). --level make learns the "
            "folder's labels; model and both need a manifest.csv with a 'model' "
            "column (both: the make and the most probable model of that make)."
        ),
        examples=(
            "  platevision cars train cars/ -o cars.skops\n"
            "  platevision cars train DATA/cars/stanford_cars_make -o cars.skops "
            "--level both --n-jobs 2\n"
            "  platevision cars train cars/ -o quick.skops --features hog "
            "--n-estimators 100"
        ),
    )
    train.add_argument("folder", metavar="FOLDER", help=FOLDER_HELP)
    train.add_argument(
        "-o", "--output", required=True, metavar="MODEL", help="model file to write"
    )
    train.add_argument(
        "--level",
        choices=("make", "model", "both"),
        default="make",
        help="what to learn: the make (default), the model, or both",
    )
    train.add_argument(
        "--features",
        choices=("fisher", "hog"),
        default="fisher",
        help="image features (default fisher: Fisher vectors of dense gradients)",
    )
    train.add_argument(
        "--n-estimators",
        type=int,
        default=300,
        metavar="N",
        help="trees in the forest (default 300)",
    )
    train.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    add_common_options(train)
    train.set_defaults(run=run_train)

    predict = command_parser(
        actions,
        "predict",
        help="name the make (and model) of the car in each photo",
        description=(
            "Name the car in each PHOTO with a MODEL written by 'platevision cars "
            "train': the make (and model), its probability (the share of the "
            "trees' votes) and the --top most probable makes."
        ),
        examples=(
            "  platevision cars predict cars.skops car.jpg\n"
            "  platevision cars predict cars.skops street/*.jpg --top 5 --format csv"
        ),
    )
    predict.add_argument("model", metavar="MODEL", help="a CarForestClassifier file")
    predict.add_argument("photos", nargs="+", metavar="PHOTO", help="photos")
    predict.add_argument(
        "--top",
        type=int,
        default=None,
        metavar="K",
        help="list the K most probable makes too (default 3, or every make if fewer)",
    )
    add_common_options(predict)
    predict.set_defaults(run=run_predict)


def _labels(folder: str, level: str, progress: Any) -> tuple[list[Any], Any]:
    """The folder's photos and labels at ``level`` (pairs for 'both')."""
    import numpy as np

    if level == "make":
        images, labels, _ = read_labelled_folder(folder, progress)
        return images, labels
    from pathlib import Path

    from platevision.datasets._base import _read_manifest

    root = os.path.abspath(folder)
    if not os.path.isfile(os.path.join(root, "manifest.csv")):
        msg = (
            f"folder {root!r} has no manifest.csv; --level {level} needs one with "
            "columns path,label,model."
        )
        raise InputError(msg)
    try:
        table = _read_manifest(Path(root), ("path", "label", "model"))
    except (OSError, ValueError) as err:
        raise InputError(str(err)) from err
    images = read_images(table["path"], progress, "photo")
    makes = np.asarray(table["label"], dtype=str)
    models = np.asarray(table["model"], dtype=str)
    labels = models if level == "model" else np.column_stack([makes, models])
    return images, labels


def run_train(args: argparse.Namespace) -> int:
    import numpy as np

    import platevision
    from platevision.classification import CarForestClassifier

    output = check_output_file(args.output)
    if args.n_estimators < 1:
        msg = f"--n-estimators must be at least 1; got {args.n_estimators}."
        raise InputError(msg)
    images, labels = _labels(args.folder, args.level, progress_for(args))
    classes = np.unique(labels if labels.ndim == 1 else labels[:, -1])
    if len(classes) < 2:
        msg = f"{args.folder}: needs photos of 2 labels or more; got {len(classes)}."
        raise InputError(msg)
    model = CarForestClassifier(
        args.features,
        n_estimators=args.n_estimators,
        random_state=args.seed,
        n_jobs=args.n_jobs,
    )
    kinds = "models" if args.level != "make" else "makes"
    note(args, f"fitting on {len(labels)} photos of {len(classes)} {kinds}")
    try:
        model.fit(images, labels)
    except ValueError as err:
        msg = f"{args.folder}: {err}"
        raise InputError(msg) from err
    platevision.save(model, output)
    n_makes = len(model.classes_[0]) if labels.ndim == 2 else len(model.classes_)
    emit(
        [
            {
                "model": output,
                "photos": len(labels),
                "level": args.level,
                "classes": n_makes
                if labels.ndim == 1
                else f"{n_makes} makes, {len(classes)} models",
            }
        ],
        args.format,
    )
    return 0


def run_predict(args: argparse.Namespace) -> int:
    import numpy as np

    from platevision.classification import CarForestClassifier

    model = load_model(args.model, CarForestClassifier)
    model.set_params(n_jobs=args.n_jobs)
    pairs = isinstance(model.classes_, list)
    n_classes = len(model.classes_[0] if pairs else model.classes_)
    if args.top is None:
        args.top = min(3, n_classes)
    if not 1 <= args.top <= n_classes:
        kind = "makes" if pairs else "labels"
        msg = f"--top must be in [1, {n_classes}] (the model's {kind}); got {args.top}."
        raise InputError(msg)
    progress = progress_for(args)
    images = read_images(args.photos, progress, "photo")

    def predict(batch: list[Any]) -> list[dict[str, Any]]:
        # One feature extraction per photo: every column comes from these votes.
        proba = model.predict_proba(batch)
        make_proba = proba[0] if pairs else proba
        classes = model.classes_[0] if pairs else model.classes_
        best = np.argmax(make_proba, axis=1)
        top = classes[np.argsort(-make_proba, axis=1, kind="stable")[:, : args.top]]
        models = model._hierarchy(proba)[1] if pairs else None
        rows = []
        for i in range(len(batch)):
            row: dict[str, Any] = {"make" if pairs else "label": str(classes[best[i]])}
            if models is not None:
                row["model"] = str(models[i])
            row["probability"] = round(float(make_proba[i, best[i]]), 3)
            row["top"] = " | ".join(str(t) for t in top[i])
            rows.append(row)
        return rows

    results = map_batches(predict, images, progress, "predicting")
    emit(
        [
            {"photo": photo, **row}
            for photo, row in zip(args.photos, results, strict=True)
        ],
        args.format,
    )
    return 0
