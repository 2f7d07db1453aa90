"""
Reading and restoring broken plate characters
=============================================

A chipped '8' may be a 'B'; an 'E' with its lower bar hidden may be an 'F'.
:class:`~platevision.restoration.PlateCharacterRestorer` reads such characters
as well as the remaining strokes allow and, where they leave doubt, says so: it
gives several readings, each with a probability and the tile restored as that
character would look. :func:`~platevision.plotting.plot_readings` draws them.

This example trains a restorer on clean synthetic characters, breaks fresh ones
with every kind of damage of :func:`~platevision.datasets.damage_characters`,
and shows what the restorer reads, how often it is right, with and without
knowing where the damage is, and what its probabilities mean. It uses synthetic
data only, so it runs offline.
"""

# %%
# Train on clean characters
# -------------------------
# Twenty tiles of each of the 36 characters. The restorer breaks copies of them
# itself to learn what damage looks like, and keeps some apart to calibrate its
# probabilities. Three broken copies of each tile here, against the default 32,
# so that the example runs in well under a minute; the default reads broken
# characters better (see the restoration guide for how much). Its three
# proposal networks are fitted in parallel, one per processor (``n_jobs=-1``).
import matplotlib.pyplot as plt
import numpy as np

from platevision.datasets import (
    DAMAGE_KINDS,
    damage_characters,
    make_plate_characters,
)
from platevision.plotting import plot_readings
from platevision.restoration import PlateCharacterRestorer

train = make_plate_characters(20, random_state=0)
restorer = PlateCharacterRestorer(n_augment=3, random_state=0, n_jobs=-1).fit(
    train.images, train.target
)
print(f"trained on {len(train.images)} tiles of {len(restorer.classes_)} characters")

# %%
# Break fresh characters
# ----------------------
# Two new tiles of each character (another seed, so none was seen in training),
# broken by each kind of damage at severity 0.6: heavy damage, about 30 % of
# the ink destroyed. ``damage_characters`` also returns the masks of the damaged
# pixels, which a reader does not usually have.
test = make_plate_characters(2, random_state=1)
broken = {
    kind: damage_characters(test.images, kind=kind, severity=0.6, random_state=1)
    for kind in DAMAGE_KINDS
}
readings = {kind: restorer.readings(X, top_k=3) for kind, (X, _) in broken.items()}

# %%
# What the restorer reads
# -----------------------
# For each kind of damage, the tile whose reading is most in doubt: the one
# whose second reading is the most probable. Each row shows the broken tile
# (titled with its true character), the damage the restorer found (red), and
# its three most probable readings, each restored as that character.
picks = {
    kind: int(np.argmax([row[1].probability for row in readings[kind]]))
    for kind in DAMAGE_KINDS
}
X_picked = np.stack([broken[kind][0][i] for kind, i in picks.items()])
masks_picked = np.stack([broken[kind][1][i] for kind, i in picks.items()])
titles = [f"{kind} '{test.target[i]}'" for kind, i in picks.items()]
fig = plot_readings(restorer, X_picked, top_k=3, titles=titles)
plt.show()

# %%
# Given the masks of the damage (drawn in red), the restorer does not have to
# guess which pixels to ignore, and the same tiles are usually read with less
# doubt.
fig = plot_readings(restorer, X_picked, masks=masks_picked, top_k=3, titles=titles)
plt.show()

# %%
# How often it is right
# ---------------------
# Accuracy of the most probable reading on the clean tiles and on the broken
# ones, with the damage the restorer finds (``found``) and with the known masks
# (``known``); then how often the true character is one of the two most
# probable readings, with the damage found (``top 2``). Where the first reading
# is wrong, the second is often right: the doubt the restorer reports is real.
print(f"{'':>10} {'found':>6} {'known':>6} {'top 2':>6}")
print(f"{'clean':>10} {restorer.score(test.images, test.target):6.2f}")
for kind, (X, masks) in broken.items():
    found = restorer.score(X, test.target)
    known = restorer.score(X, test.target, masks=masks)
    top2 = np.mean(
        [
            true in {r.character for r in row[:2]}
            for true, row in zip(test.target, readings[kind], strict=True)
        ]
    )
    print(f"{kind:>10} {found:6.2f} {known:6.2f} {top2:6.2f}")

# %%
# What the probabilities mean
# ---------------------------
# The probabilities are calibrated on held-out training tiles, clean and broken,
# so that they can be taken at their word: of the readings given a probability
# of about 0.7, about 7 in 10 should be right. Below, the most probable reading
# of every broken tile, grouped by its probability: the mean probability of a
# group should be close to the fraction of it that is right. A reading near 1
# can be trusted; two readings near 0.5 mean the tile is as likely one as the
# other, and the restored pictures show why.
top = [row[0] for kind in DAMAGE_KINDS for row in readings[kind]]
probability = np.array([r.probability for r in top])
right = np.array([r.character for r in top]) == np.tile(test.target, len(DAMAGE_KINDS))
edges = [0.0, 0.5, 0.7, 0.9, 1.0]
group = np.digitize(probability, edges[1:-1])  # 0: below 0.5, ..., 3: 0.9 and up
print(f"{'probability':>11} {'tiles':>6} {'mean':>6} {'right':>6}")
for g, (low, high) in enumerate(zip(edges[:-1], edges[1:], strict=True)):
    members = group == g
    if members.any():
        print(
            f"{low:.1f} to {high:.1f} {members.sum():6d} "
            f"{probability[members].mean():6.2f} {right[members].mean():6.2f}"
        )
