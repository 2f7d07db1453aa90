"""
Quick start: read broken plate characters
=========================================

The main job of ``platevision`` on data it makes itself, no download needed:
render plate characters, break them with the damage model, and read them with
:class:`~platevision.restoration.PlateCharacterRestorer`, next to a plain reader
(HOG features + a support vector machine) trained on the same clean tiles.

Run it with ``python examples/quickstart.py``.
"""

import time

from sklearn.pipeline import make_pipeline
from sklearn.svm import SVC

from platevision.datasets import DAMAGE_KINDS, damage_characters, make_plate_characters
from platevision.features import HOGTransformer
from platevision.restoration import PlateCharacterRestorer

t0 = time.perf_counter()
train = make_plate_characters(n_per_class=20, random_state=0)
test = make_plate_characters(n_per_class=10, random_state=1)
plain = make_pipeline(
    HOGTransformer(image_shape=(32, 20), pixels_per_cell=(4, 4)), SVC(C=10)
).fit(train.images, train.target)
restorer = PlateCharacterRestorer(random_state=0).fit(train.images, train.target)
print(f"fitted on {len(train.target)} clean tiles in {time.perf_counter() - t0:.1f} s")

print(f"\n{'damage':<12}{'severity':>9}{'HOG+SVC':>9}{'restorer':>10}{'top-3':>7}")
rows = [("none", 0.0, test.images)]
for kind in DAMAGE_KINDS:
    for severity in (0.4, 0.6):
        damaged, _ = damage_characters(
            test.images, kind=kind, severity=severity, random_state=2
        )
        rows.append((kind, severity, damaged))
for kind, severity, images in rows:
    readings = restorer.readings(images, top_k=3)
    top1 = sum(
        r[0].character == t for r, t in zip(readings, test.target, strict=True)
    ) / len(readings)
    top3 = sum(
        t in {reading.character for reading in r}
        for r, t in zip(readings, test.target, strict=True)
    ) / len(readings)
    print(
        f"{kind:<12}{severity:>9.1f}{plain.score(images, test.target):>9.3f}"
        f"{top1:>10.3f}{top3:>7.3f}"
    )

damaged, _ = damage_characters(
    test.images[:1], kind="occlusion", severity=0.6, random_state=3
)
print(f"\na '{test.target[0]}' under heavy occlusion reads as:")
for reading in restorer.readings(damaged, top_k=3)[0]:
    print(f"  {str(reading.character)!r} with probability {reading.probability:.2f}")
print(f"\ndone in {time.perf_counter() - t0:.1f} s")
