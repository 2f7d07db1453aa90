"""
Quick start: how broken plate characters defeat a plain reader
==============================================================

The main job of ``platevision`` on data it makes itself, no download needed:
render plate characters, break them with the damage model, and measure how a
plain reader (HOG features + a support vector machine) copes with each kind of
damage. This is the baseline that the package's plate character restorer is
built to beat.

Run it with ``python examples/quickstart.py``.
"""

import time

from sklearn.pipeline import make_pipeline
from sklearn.svm import SVC

from platevision.datasets import DAMAGE_KINDS, damage_characters, make_plate_characters
from platevision.features import HOGTransformer

t0 = time.perf_counter()
train = make_plate_characters(n_per_class=20, random_state=0)
test = make_plate_characters(n_per_class=10, random_state=1)
reader = make_pipeline(
    HOGTransformer(image_shape=(32, 20), pixels_per_cell=(4, 4)), SVC(C=10)
)
reader.fit(train.images, train.target)

print(f"{len(train.target)} training tiles, {len(test.target)} test tiles, 36 classes")
print(f"{'damage':<12}{'severity':>9}{'accuracy':>10}{'ink hidden':>12}")
print(f"{'none':<12}{0.0:>9.1f}{reader.score(test.images, test.target):>10.3f}")
for kind in DAMAGE_KINDS:
    for severity in (0.2, 0.4, 0.6):
        damaged, masks = damage_characters(
            test.images, kind=kind, severity=severity, random_state=2
        )
        ink = test.images < 0.5
        hidden = (masks & ink).sum() / ink.sum()
        accuracy = reader.score(damaged, test.target)
        print(f"{kind:<12}{severity:>9.1f}{accuracy:>10.3f}{hidden:>12.2f}")
print(f"done in {time.perf_counter() - t0:.1f} s")
