"""``platevision faces train`` / ``platevision faces identify``."""

from __future__ import annotations

import argparse
from typing import Any

from platevision.cli._common import (
    add_common_options,
    check_output_file,
    command_parser,
    emit,
    load_model,
    map_batches,
    naming_files,
    note,
    progress_for,
    read_images,
    read_labelled_folder,
)

FOLDER_HELP = (
    "labelled folder: a manifest.csv with columns path,label, or one sub-folder "
    "of photos per person"
)


def add_parser(subparsers: Any) -> None:
    faces = command_parser(
        subparsers,
        "faces",
        help="recognise people by their faces (train, identify)",
        description="Enrol people from labelled face photos; identify new photos.",
        examples=(
            "  platevision faces train faces/ -o faces.skops\n"
            "  platevision faces identify faces.skops photo1.jpg photo2.jpg"
        ),
    )
    actions = faces.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True

    train = command_parser(
        actions,
        "train",
        help="fit a FaceKNNClassifier on a labelled folder and save it",
        description=(
            "Fit a FaceKNNClassifier on the photos of FOLDER and save it to MODEL "
            "(a safe model file, see platevision.save). With 2 people or more, an "
            "'unknown' threshold is learned from the photos (--unknown auto)."
        ),
        examples=(
            "  platevision faces train faces/ -o faces.skops\n"
            "  platevision faces train orl/ -o orl.skops --features both --detect\n"
            "  platevision faces train staff/ -o staff.skops --unknown none"
        ),
    )
    train.add_argument("folder", metavar="FOLDER", help=FOLDER_HELP)
    train.add_argument(
        "-o", "--output", required=True, metavar="MODEL", help="model file to write"
    )
    train.add_argument(
        "--features",
        choices=("lbp", "hog", "both"),
        default="lbp",
        help="face features (default lbp)",
    )
    train.add_argument(
        "--detect", action="store_true", help="crop each photo to its largest face"
    )
    train.add_argument(
        "--unknown",
        choices=("auto", "none"),
        default="auto",
        help="reject strangers with a learned threshold (auto, default) or never",
    )
    add_common_options(train)
    train.set_defaults(run=run_train)

    identify = command_parser(
        actions,
        "identify",
        help="say who is in each photo",
        description=(
            "Identify the person in each PHOTO with a MODEL written by "
            "'platevision faces train': the person, the probability of the vote and "
            "the distance to the nearest enrolled face and the rejection score "
            "('unknown' when above the model's threshold)."
        ),
        examples=(
            "  platevision faces identify faces.skops photo.jpg\n"
            "  platevision faces identify faces.skops visitors/*.png --format csv"
        ),
    )
    identify.add_argument("model", metavar="MODEL", help="a FaceKNNClassifier file")
    identify.add_argument("photos", nargs="+", metavar="PHOTO", help="photos")
    add_common_options(identify)
    identify.set_defaults(run=run_identify)


def run_train(args: argparse.Namespace) -> int:
    import numpy as np

    import platevision
    from platevision.classification import FaceKNNClassifier

    output = check_output_file(args.output)
    images, labels, paths = read_labelled_folder(args.folder, progress_for(args))
    n_people = len(np.unique(labels))
    unknown = "auto" if args.unknown == "auto" and n_people >= 2 else None
    model = FaceKNNClassifier(
        args.features,
        detect=args.detect,
        unknown_threshold=unknown,
        n_jobs=args.n_jobs,
    )
    note(args, f"fitting on {len(labels)} photos of {n_people} people")
    with naming_files(paths):
        model.fit(images, labels)
    platevision.save(model, output)
    threshold = model.threshold_
    emit(
        [
            {
                "model": output,
                "photos": len(labels),
                "people": n_people,
                "threshold": "none" if threshold is None else round(threshold, 4),
                "rejection": model.rejection_,
            }
        ],
        args.format,
    )
    return 0


def run_identify(args: argparse.Namespace) -> int:
    from platevision.classification import FaceKNNClassifier

    model = load_model(args.model, FaceKNNClassifier)
    model.set_params(n_jobs=args.n_jobs)
    progress = progress_for(args)
    images = read_images(args.photos, progress, "photo")

    def identify(batch: list[Any]) -> list[tuple[Any, float, float, float]]:
        # One feature extraction per photo (and one warning per photo
        # without a face), where predict, predict_proba, distance_to_nearest
        # and rejection_score would each extract the features again.
        people, proba, distance, score = model._identify(batch)
        return list(zip(people, proba.max(axis=1), distance, score, strict=True))

    results = map_batches(identify, images, progress, "identifying", paths=args.photos)
    rows = [
        {
            "photo": photo,
            "person": str(person),
            "probability": round(float(p), 3),
            "distance": round(float(d), 4),
            "score": round(float(r), 4),
        }
        for photo, (person, p, d, r) in zip(args.photos, results, strict=True)
    ]
    emit(rows, args.format)
    return 0
