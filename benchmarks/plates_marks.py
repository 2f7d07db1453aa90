"""Benchmark PlateReader on plates with marks that are no characters: an EU band, seals.

Run by hand: ``python benchmarks/plates_marks.py [--save]``. No data needed.

European plates carry marks beside and between their characters. The blue band
at the left end holds the EU's stars and a country code; a German plate has two
round seals, one above the other, between the district's letters and the rest
(``FLM [seals] IJ 500``, written ``FLMIJ500`` without separators). This script
draws both on :func:`~platevision.datasets.make_plates` photos (pattern ``" LLL
  LLDDD"``, 360 x 480 pixels: the leading space leaves room for the band, the
two spaces after the district's letters, a character wide, for the seals):

- the band: a field at a quarter of the plate's grey, a ring of 12 light dots
  and a light country code;
- the seals: two touching discs, each 0.4 of a character high, at 0.7 of the
  plate's grey, with a dark rim and a dark centre, in the widest gap.

A reader (``PlateReader(patterns=..., random_state=0, n_jobs=2)``) is fitted on
60 photos with the band, without seals (a front plate) and with them (a rear
one), once with the pattern written with its separator (``'LLL LLDDD'``) and
once without (``'LLLLLDDD'``), and reads 40 other photos with the band, without
seals and with them, end to end (without their boxes): exact and top-5
accuracy (the letters and digits read), and how many training photos ``fit``
cut into characters.

``--save`` writes the report to ``benchmarks/results/plates_marks.txt``.
"""

import argparse
import os
import sys
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import plates  # noqa: E402  (started, ROOT, read_timed, summarise, scores)
import restorer as house  # noqa: E402  (the house helpers: report, progress)

RESULTS = plates.ROOT / "benchmarks" / "results" / "plates_marks.txt"
N_TRAIN, N_TEST = 60, 40


def photos(n, seed, seals):
    """``n`` photos with an EU band, with two seals in the widest gap or not;
    their texts (letters and digits) and boxes."""
    import cv2

    from platevision.datasets import make_plates

    made = make_plates(
        n, pattern=" LLL  LLDDD", image_shape=(360, 480), random_state=seed
    )
    rng = np.random.RandomState(seed + 100)
    out = []
    for image, (x, y, w, h) in zip(made.images, made.boxes, strict=True):
        image = image.copy()
        paper = float(
            np.median(image[y + h // 3 : y + 2 * h // 3, x + w // 3 : x + 2 * w // 3])
        )
        char_h = h / 1.7  # make_plates: margins of 0.35 of a character above and below
        frame = max(1, int(char_h // 12))
        band_w = max(4, int(round(0.55 * char_h)))
        x0, x1, y0, y1 = x + frame, x + frame + band_w, y + frame, y + h - frame
        image[y0:y1, x0:x1] = paper * rng.uniform(0.2, 0.3)
        cx, cy, r = (x0 + x1) / 2, y0 + 0.35 * (y1 - y0), 0.3 * band_w
        for a in np.linspace(0, 2 * np.pi, 12, endpoint=False):
            centre = (int(cx + r * np.cos(a)), int(cy + r * np.sin(a)))
            cv2.circle(image, centre, max(1, band_w // 14), paper * 0.85, -1)
        code = str(rng.choice(["D", "F", "HR", "NL", "I"]))
        scale, thick = 0.3 * char_h / 22.0, max(1, int(0.6 * char_h / 22.0))
        (tw, _), _ = cv2.getTextSize(code, cv2.FONT_HERSHEY_SIMPLEX, scale, thick)
        origin = (int(cx - tw / 2), int(y1 - 0.12 * (y1 - y0)))
        # OpenCV draws text on uint8 images only: on a scratch, then copied.
        scratch = np.zeros(image.shape, np.uint8)
        cv2.putText(scratch, code, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, 255, thick)
        image[scratch > 0] = paper * 0.95
        if seals:
            middle = image[int(y + 0.3 * h) : int(y + 0.7 * h), x1 : x + w - frame]
            ink = np.flatnonzero(middle.min(axis=0) < 0.5 * paper) + x1
            runs = np.split(ink, np.flatnonzero(np.diff(ink) > 1) + 1)
            if len(runs) < 2:
                msg = f"photo {len(out)} of random_state={seed}: no gap for the seals"
                raise RuntimeError(msg)
            left, right = max(
                ((a[-1], b[0]) for a, b in zip(runs[:-1], runs[1:], strict=True)),
                key=lambda gap: gap[1] - gap[0],
            )
            sx, radius, sy = int((left + right) / 2), int(0.2 * char_h), int(y + h / 2)
            for yy in (sy - radius, sy + radius):
                cv2.circle(image, (sx, yy), radius, paper * 0.7, -1)
                cv2.circle(image, (sx, yy), radius, paper * 0.35, max(1, radius // 5))
                cv2.circle(image, (sx, yy), max(1, radius // 3), paper * 0.45, -1)
        out.append(image)
    texts = [text.replace(" ", "") for text in made.target]
    return out, texts, made.boxes


def scores(reader, images, texts):
    """Exact and top-5 accuracy of ``reader`` on ``images``, as
    ``benchmarks/plates.py`` scores them, the texts read compared by their
    letters and digits (a pattern with a separator writes ``FLM IJ500``)."""
    from platevision.reader._patterns import plain_text

    found, _ = plates.read_timed(reader, images)
    rows = plates.summarise(found, texts)
    for row in rows:
        row["pred"] = plain_text(row["pred"])
        row["topn"] = [plain_text(text) for text in row["topn"]]
    figures = plates.scores(rows)
    return figures["exact"], figures["top5"]


def main(argv=None):
    from platevision.reader import PlateReader

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", action="store_true")
    args = parser.parse_args(argv)

    _, report = plates.started(
        "PlateReader marks benchmark (benchmarks/plates_marks.py)"
    )
    train = {seals: photos(N_TRAIN, 0, seals=seals) for seals in (False, True)}
    test = {seals: photos(N_TEST, 1, seals=seals) for seals in (False, True)}
    report(
        f"make_plates(pattern=' LLL  LLDDD', image_shape=(360, 480)): fitted on "
        f"{N_TRAIN} photos with the band (random_state=0), without seals or with "
        f"them; read on {N_TEST} others (random_state=1) with the band, without "
        "seals and with them"
    )
    for seals_fitted in (False, True):
        report(f"Fitted {'with' if seals_fitted else 'without'} seals:")
        for pattern in ("LLL LLDDD", "LLLLLDDD"):
            house.progress(f"fitting with patterns={pattern!r}, seals {seals_fitted}")
            start = time.perf_counter()
            reader = PlateReader(patterns=pattern, random_state=0, n_jobs=2)
            reader.fit(*train[seals_fitted])
            fit_s = time.perf_counter() - start
            reader.set_params(n_jobs=1)
            cut = reader.n_training_plates_
            line = f"  patterns={pattern!r:12s} cut {cut:2d} of {N_TRAIN}"
            for seals in (False, True):
                exact, top5 = scores(reader, *test[seals][:2])
                name = "seals" if seals else "no seals"
                line += f" | {name}: exact {exact:.3f} top-5 {top5:.3f}"
            report(line + f" | fit {fit_s:.0f} s")
    if args.save:
        report.save(RESULTS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
