"""
A damage model for broken plate characters
==========================================

Characters on real licence plates are chipped, scratched, dirty, faded or partly
hidden by a bolt or a sticker. :func:`~platevision.datasets.damage_characters`
imitates five kinds of such damage on character tiles, and returns with each
damaged tile a mask of the pixels whose true value a reader can no longer know.
``severity`` sets how much: half of it is the fraction of the ink destroyed
(severity 0.6 destroys about 30 % of a tile's ink, as printed below).

This example damages synthetic characters from
:func:`~platevision.datasets.make_plate_characters` at three severities and shows
the masks. It uses synthetic data only, so it runs offline.
"""

# %%
# Clean synthetic characters
# --------------------------
# Tiles of 32x20 pixels, dark ink on a light background, like characters cut out
# of real plates.
import matplotlib.pyplot as plt
import numpy as np

from platevision.datasets import (
    DAMAGE_KINDS,
    damage_characters,
    make_plate_characters,
)

characters = make_plate_characters(n_per_class=1, random_state=0)
picks = [int(np.flatnonzero(characters.target == c)[0]) for c in "08BKM3"]
tiles = characters.images[picks]
print(f"{len(tiles)} tiles of shape {tiles.shape[1:]}: {characters.target[picks]}")

# %%
# Every kind of damage at three severities
# ----------------------------------------
# For each kind, three rows of damaged tiles (severity 0.2, 0.4 and 0.6), then
# the mask of the 0.6 row: white where the damage destroyed the pixel. The
# destroyed fraction of the ink is measured against the clean tiles' ink.
severities = (0.2, 0.4, 0.6)
ink = tiles < 0.5
rows = [("clean", tiles, "gray")]
for kind in DAMAGE_KINDS:
    for severity in severities:
        damaged, masks = damage_characters(
            tiles, kind=kind, severity=severity, random_state=0
        )
        destroyed = (masks & ink).sum() / ink.sum()
        print(f"{kind:>9} severity {severity}: {destroyed:.2f} of the ink destroyed")
        rows.append((f"{kind}\n{severity}", damaged, "gray"))
    rows.append((f"{kind}\nmask", masks, "magma"))

fig, axes = plt.subplots(
    len(rows), len(picks), figsize=(0.75 * len(picks) + 1.0, 0.95 * len(rows))
)
for (label, images, cmap), row_axes in zip(rows, axes, strict=True):
    for image, ax in zip(images, row_axes, strict=True):
        ax.imshow(image, cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
    row_axes[0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=8)
fig.subplots_adjust(left=0.22, right=0.98, top=0.99, bottom=0.01, hspace=0.08)
plt.show()

# %%
# Damage hurts a reader
# ---------------------
# A 1-nearest-neighbour reader on raw pixels, trained on clean synthetic
# characters, reads fewer of the damaged ones. Pixels outside the mask are left
# as they were (except for faint fading and its noise), so a restorer can use
# the mask to know what to repair.
from sklearn.neighbors import KNeighborsClassifier

X_train, y_train = make_plate_characters(10, random_state=1, return_X_y=True)
X_test, y_test = make_plate_characters(5, random_state=2, return_X_y=True)
reader = KNeighborsClassifier(n_neighbors=1).fit(
    X_train.reshape(len(X_train), -1), y_train
)
print(f"clean: accuracy {reader.score(X_test.reshape(len(X_test), -1), y_test):.2f}")
for kind in DAMAGE_KINDS:
    damaged, _ = damage_characters(X_test, kind=kind, severity=0.6, random_state=0)
    accuracy = reader.score(damaged.reshape(len(damaged), -1), y_test)
    print(f"{kind:>9} at severity 0.6: accuracy {accuracy:.2f}")
