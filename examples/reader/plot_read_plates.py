"""
Reading licence plates, with every plausible reading
=====================================================

:class:`~platevision.reader.PlateReader` finds a plate through its characters,
reads each character with a
:class:`~platevision.restoration.PlateCharacterRestorer` and decodes the whole
plate with the region's syntax, so a letter ``O`` where a digit belongs is read
as ``0``. Each plate comes with its box, its character boxes and its most
plausible texts with probabilities.

This example trains a reader on synthetic photos of Brazilian-style plates
(``ABC1234``) from :func:`~platevision.datasets.make_plates`, reads new ones, and
breaks a character of each to show how the readings spread when the evidence is
weak. It uses synthetic data only, so it runs offline; real photos are harder
(see the benchmark page).
"""

# %%
# Train on labelled photos
# ------------------------
# ``fit`` cuts one tile per character out of each training photo (using the
# text and the plate's box) and fits the character recogniser on them. A small
# recogniser keeps this example quick.
import matplotlib.pyplot as plt
import numpy as np

from platevision.datasets import damage_characters, make_plates
from platevision.reader import PlateReader
from platevision.restoration import PlateCharacterRestorer

plates = make_plates(48, pattern="LLLDDDD", random_state=0)
train, test = slice(0, 40), slice(40, 48)
reader = PlateReader(
    "br", restorer=PlateCharacterRestorer(n_augment=1, random_state=0)
).fit(plates.images[train], plates.target[train], boxes=plates.boxes[train])
n_tiles, n_photos = reader.n_training_tiles_, reader.n_training_plates_
print(f"{n_tiles} character tiles from {n_photos} photos")

# %%
# Read new photos
# ---------------
# Each photo gives its plates, best first; each plate its box and readings.
found = reader.read(plates.images[test])
accuracy = np.mean(
    [
        bool(p) and p[0].text == t
        for p, t in zip(found, plates.target[test], strict=True)
    ]
)
print(f"exact plate accuracy on {len(found)} new photos: {accuracy:.2f}")

# %%
# Break one character of each plate
# ---------------------------------
# The damage model chips the third character's ink; where the remaining
# strokes leave doubt, the reader's readings spread over the candidates.
broken = plates.images[test].copy()
for photo, plate in zip(broken, found, strict=True):
    if plate:
        x, y, w, h = plate[0].char_boxes[2]
        tile = photo[y : y + h, x : x + w]
        damaged, _ = damage_characters(
            [tile], kind="occlusion", severity=0.6, random_state=0
        )
        photo[y : y + h, x : x + w] = damaged[0]
found_broken = reader.read(broken)

fig, axes = plt.subplots(2, 4, figsize=(12, 5.2))
for ax, photo, plate, truth in zip(
    axes.ravel(), broken, found_broken, plates.target[test], strict=True
):
    ax.imshow(photo, cmap="gray", vmin=0, vmax=1)
    ax.set_axis_off()
    if not plate:
        ax.set_title(f"{truth}: no plate read", fontsize=9)
        continue
    x, y, w, h = plate[0].box
    ax.add_patch(plt.Rectangle((x, y), w, h, fill=False, color="tab:red", lw=1.5))
    lines = [f"{text} {p:.2f}" for text, p in plate[0].readings[:3]]
    ax.set_title(f"truth {truth}\n" + "\n".join(lines), fontsize=8)
fig.suptitle("Photos with a broken character: the plate found and its top readings")
fig.tight_layout()
plt.show()
