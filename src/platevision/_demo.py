"""The main job, end to end: read and restore broken plate characters, report it.

Used by ``platevision demo``. Characters come from the package's generator
(:func:`~platevision.datasets.make_plate_characters`) or, given a data folder, from
the real tiles of :func:`~platevision.datasets.load_plate_characters`; they are
broken by :func:`~platevision.datasets.damage_characters`, read and restored by
:class:`~platevision.restoration.PlateCharacterRestorer`, and written to a folder
as a self-contained HTML report (no network, no script) with its PNG tiles.
"""

from __future__ import annotations

import html
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["DemoResult", "default_restorer", "run_demo", "save_png", "write_report"]

#: Damage severity of the demo's broken characters (a quarter of the ink lost).
SEVERITY = 0.5
#: The demo's restorer: smaller than the default so that the demo fits (and
#: reads) in about a minute; the default settings read better and fit slower.
DEMO_PARAMS: dict[str, Any] = {
    "n_prototypes": 8,
    "n_augment": 2,
    "hidden_layer_sizes": (128,),
}
#: Examples shown per damage kind in the report.
N_SHOWN = 6

Progress = Callable[[Iterable[Any], int, str], Iterable[Any]]


def _no_progress(items: Iterable[Any], total: int, desc: str) -> Iterable[Any]:
    return items


@dataclass
class DemoResult:
    """What the demo measured, and the examples it shows."""

    source: str
    n_train: int
    n_test: int
    #: One row per damage kind: kind, n, accuracy (top-1), top-3 accuracy.
    accuracy: list[dict[str, Any]] = field(default_factory=list)
    #: Per damage kind: (truth, broken tile, readings) of the shown examples.
    examples: dict[str, list[tuple[str, np.ndarray, list[Any]]]] = field(
        default_factory=dict
    )
    fit_seconds: float = 0.0
    total_seconds: float = 0.0


def _restorer(random_state: int, n_jobs: int | None) -> Any:
    from platevision.restoration import PlateCharacterRestorer

    return PlateCharacterRestorer(
        **DEMO_PARAMS, random_state=random_state, n_jobs=n_jobs
    )


def _characters(
    data_home: str | os.PathLike[str] | None,
    n_train: int,
    n_test: int,
    random_state: int,
) -> tuple[str, list[Any], np.ndarray, list[Any], np.ndarray]:
    """Training and test tiles: synthetic, or real ones split per character."""
    from platevision.datasets import load_plate_characters, make_plate_characters

    if data_home is None:
        train: Any = make_plate_characters(n_train, random_state=random_state)
        test: Any = make_plate_characters(n_test, random_state=random_state + 1)
        return (
            "synthetic characters (platevision.datasets.make_plate_characters)",
            list(train.images),
            np.asarray(train.target),
            list(test.images),
            np.asarray(test.target),
        )
    bunch: Any = load_plate_characters(data_home=data_home, load_images=True)
    rng = np.random.default_rng(random_state)
    train_idx: list[int] = []
    test_idx: list[int] = []
    for label in np.unique(bunch.target):
        idx = rng.permutation(np.flatnonzero(bunch.target == label))
        # Keep at least one tile of every character for training.
        n_held = min(n_test, len(idx) - 1)
        test_idx.extend(idx[:n_held])
        train_idx.extend(idx[n_held : n_held + n_train])
    images = bunch.images
    return (
        f"real character tiles from {data_home}",
        [images[i] for i in train_idx],
        bunch.target[train_idx],
        [images[i] for i in test_idx],
        bunch.target[test_idx],
    )


def run_demo(
    *,
    data_home: str | os.PathLike[str] | None = None,
    n_train: int = 6,
    n_test: int = 3,
    random_state: int = 0,
    n_jobs: int | None = None,
    progress: Progress = _no_progress,
) -> DemoResult:
    """Fit a restorer, break test characters in every way, read them, measure.

    ``data_home`` None uses synthetic characters (``n_train`` and ``n_test`` per
    character); a data folder uses its real tiles (at most ``n_train`` per
    character for training, ``n_test`` held out).
    """
    from platevision.datasets import DAMAGE_KINDS, damage_characters

    start = time.perf_counter()
    source, X_train, y_train, X_test, y_test = _characters(
        data_home, n_train, n_test, random_state
    )
    restorer = _restorer(random_state, n_jobs).fit(X_train, y_train)
    result = DemoResult(source, len(y_train), len(y_test))
    result.fit_seconds = time.perf_counter() - start
    for kind in progress(("none", *DAMAGE_KINDS), len(DAMAGE_KINDS) + 1, "reading"):
        if kind == "none":
            broken = list(X_test)
        else:
            broken = list(
                damage_characters(
                    X_test, kind=kind, severity=SEVERITY, random_state=random_state
                )[0]
            )
        readings = restorer.readings(broken, top_k=3)
        top1 = np.mean(
            [r[0].character == t for r, t in zip(readings, y_test, strict=True)]
        )
        top3 = np.mean(
            [
                t in {x.character for x in r}
                for r, t in zip(readings, y_test, strict=True)
            ]
        )
        result.accuracy.append(
            {
                "damage": kind,
                "severity": 0.0 if kind == "none" else SEVERITY,
                "n": len(y_test),
                "accuracy": round(float(top1), 3),
                "top3_accuracy": round(float(top3), 3),
            }
        )
        step = max(1, len(y_test) // N_SHOWN)
        result.examples[kind] = [
            (str(y_test[i]), np.asarray(broken[i]), readings[i])
            for i in range(0, len(y_test), step)[:N_SHOWN]
        ]
    result.total_seconds = time.perf_counter() - start
    return result


def save_png(image: Any, path: str | os.PathLike[str]) -> None:
    """Write an image (grey or colour, the package's convention) as an 8-bit PNG."""
    from PIL import Image

    from platevision.utils import check_image

    array = np.round(check_image(image) * 255).astype(np.uint8)
    Image.fromarray(array).save(path)


def default_restorer(
    *, n_per_class: int = 6, random_state: int = 0, n_jobs: int | None = None
) -> Any:
    """The demo's restorer, fitted on synthetic characters of the whole alphabet."""
    from platevision.datasets import make_plate_characters

    train: Any = make_plate_characters(n_per_class, random_state=random_state)
    return _restorer(random_state, n_jobs).fit(train.images, train.target)


def write_report(result: DemoResult, output: str | os.PathLike[str]) -> Path:
    """Write ``index.html`` and its PNGs (``images/``) to ``output``; return it."""
    folder = Path(output)
    images = folder / "images"
    images.mkdir(parents=True, exist_ok=True)
    rows = "".join(
        f"<tr><td>{html.escape(row['damage'])}</td><td>{row['severity']:.1f}</td>"
        f"<td>{row['n']}</td><td>{row['accuracy']:.3f}</td>"
        f"<td>{row['top3_accuracy']:.3f}</td></tr>"
        for row in result.accuracy
    )
    sections = []
    for kind, examples in result.examples.items():
        cells = []
        for j, (truth, broken, readings) in enumerate(examples):
            broken_name = f"{kind}_{j}_broken.png"
            restored_name = f"{kind}_{j}_restored.png"
            save_png(broken, images / broken_name)
            save_png(readings[0].restored, images / restored_name)
            listed = "".join(
                f"<li>{html.escape(str(r.character))}: {r.probability:.2f}</li>"
                for r in readings
            )
            cells.append(
                f'<figure><img src="images/{broken_name}" alt="broken {truth}">'
                f' &rarr; <img src="images/{restored_name}" alt="restored">'
                f"<figcaption>true {html.escape(truth)}<ol>{listed}</ol>"
                "</figcaption></figure>"
            )
        sections.append(f"<h2>{html.escape(kind)}</h2><div>{''.join(cells)}</div>")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>platevision demo: broken plate characters, read and restored</title>
<style>
body {{ font-family: sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; }}
td, th {{ border: 1px solid #aaa; padding: 4px 8px; }}
figure {{ display: inline-block; margin: 0 1.5em 1em 0; vertical-align: top; }}
img {{ height: 64px; image-rendering: pixelated; border: 1px solid #ccc; }}
ol {{ margin: 0.2em 0; padding-left: 1.5em; }}
</style></head><body>
<h1>Broken plate characters, read and restored</h1>
<p>{html.escape(result.source)}: a PlateCharacterRestorer fitted on
{result.n_train} clean tiles ({result.fit_seconds:.0f} s) reads {result.n_test}
test tiles, clean and broken by each kind of damage of
platevision.datasets.damage_characters (severity {SEVERITY}: about a quarter of
the ink destroyed). Done in {result.total_seconds:.0f} s.</p>
<h2>Accuracy per kind of damage</h2>
<table><tr><th>damage</th><th>severity</th><th>tiles</th><th>accuracy</th>
<th>top-3 accuracy</th></tr>{rows}</table>
<p>Each example: the broken tile &rarr; the tile restored as its most probable
reading, and the three most probable readings with their probabilities.</p>
{"".join(sections)}
</body></html>
"""
    report = folder / "index.html"
    temporary = folder / ".index.html.tmp"
    temporary.write_text(page, encoding="utf-8")
    os.replace(temporary, report)
    return report
