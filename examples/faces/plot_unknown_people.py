"""
Recognising enrolled people and rejecting strangers
===================================================

:class:`~platevision.classification.FaceKNNClassifier` names the person in a
photo after the nearest enrolled faces, and answers ``'unknown'`` when the photo
is not clearly nearer to one person than to the others: with
``unknown_threshold='auto'`` it learns where to draw that line from the training
faces alone, before it has seen any stranger.

So that it builds offline, this example draws its own faces: each synthetic
person has a face shape, eyes, brows, nose and mouth of their own, and each of
their photos moves, lights and blurs them a little differently. Real photos
(the ORL faces of the user guide's benchmark) vary more.
"""

# %%
# Synthetic people
# ----------------
# A person is a set of drawing parameters; a photo of them adds a small shift,
# a change of lighting and camera noise.
import matplotlib.pyplot as plt
import numpy as np
from scipy.ndimage import gaussian_filter
from skimage.draw import ellipse, line

from platevision.classification import FaceKNNClassifier
from platevision.plotting import plot_neighbors

SHAPE = (56, 46)


def make_person(rng):
    return {
        "face": rng.uniform([18, 14], [25, 20]),  # half height, half width
        "eyes": rng.uniform([20, 6, 2, 1.5], [26, 11, 4.5, 3]),  # row, gap, size
        "brow": rng.uniform([3, -0.4], [6, 0.4]),  # height above eyes, slant
        "nose": rng.uniform([6, 1.5], [12, 4]),  # length, width
        "mouth": rng.uniform([38, 5, -3], [45, 11, 3]),  # row, half width, curve
        "hair": rng.uniform(6, 14),  # rows of hair
        "skin": rng.uniform(0.55, 0.8),
    }


def photo(person, rng):
    image = np.full(SHAPE, 0.25)
    r0, c0 = 28 + rng.normal(0, 0.7), 23 + rng.normal(0, 0.7)
    rr, cc = ellipse(r0, c0, *person["face"], shape=SHAPE)
    image[rr, cc] = person["skin"]
    top = image[: int(r0 - person["face"][0] + person["hair"])]
    top[top > 0.3] = 0.15  # hair: the top of the face, dark
    row, gap, height, width = person["eyes"]
    for side in (-1, 1):
        rr, cc = ellipse(row - 28 + r0, c0 + side * gap, height, width, shape=SHAPE)
        image[rr, cc] = 0.1
        lift, slant = person["brow"]
        r_brow = row - 28 + r0 - height - lift
        rr, cc = line(
            int(r_brow + slant * 3),
            int(c0 + side * (gap - 3)),
            int(r_brow - slant * 3),
            int(c0 + side * (gap + 3)),
        )
        image[np.clip(rr, 0, 55), np.clip(cc, 0, 45)] = 0.05
    length, half = person["nose"]
    rr, cc = ellipse(r0 + length / 2, c0, length / 2, half, shape=SHAPE)
    image[rr, cc] -= 0.15
    m_row, m_half, curve = person["mouth"]
    cols = np.arange(int(c0 - m_half), int(c0 + m_half) + 1)
    rows = m_row - 28 + r0 + curve * (1 - ((cols - c0) / m_half) ** 2)
    image[np.clip(rows.astype(int), 0, 55), np.clip(cols, 0, 45)] = 0.05
    image = gaussian_filter(image, rng.uniform(0.6, 1.2))
    image = image * rng.uniform(0.75, 1.15) + rng.uniform(-0.05, 0.05)
    return np.clip(image + rng.normal(0, 0.03, SHAPE), 0, 1)


rng = np.random.default_rng(0)
people = [make_person(rng) for _ in range(12)]
names = ["ada", "ben", "cy", "dee", "eli", "fay", "gus", "hal"]
known, strangers = people[: len(names)], people[len(names) :]

X_train = [photo(p, rng) for p in known for _ in range(5)]
y_train = [name for name in names for _ in range(5)]
print(f"enrolled: {len(names)} people, {len(X_train)} photos")

# %%
# Enrol the known people
# ----------------------
# A face is rejected by the nearest-neighbour ratio (``rejection='ratio'``):
# its distance to the nearest enrolled face divided by its distance to the
# nearest face of *another* person. An enrolled person is much nearer to their
# own faces than to anyone else's (a small ratio); a stranger is about as far
# from several people (a ratio near 1). ``unknown_threshold='auto'`` scores each
# training face against the *other* enrolled people, as a stranger, and keeps
# the ``target_far`` quantile (5 %) of these scores: about 5 % of strangers
# resembling the enrolled people as much as they resemble each other would be
# taken for one of them.
clf = FaceKNNClassifier(face_size=SHAPE, unknown_threshold="auto")
clf.fit(X_train, y_train)
print(f"learned threshold: {clf.threshold_:.3f}")

# %%
# New photos: known people and strangers
# --------------------------------------
# Two new photos of each enrolled person and of four people never enrolled.
X_known = [photo(p, rng) for p in known for _ in range(2)]
y_known = [name for name in names for _ in range(2)]
X_strangers = [photo(p, rng) for p in strangers for _ in range(2)]
pred_known = clf.predict(X_known)
pred_strangers = clf.predict(X_strangers)
print(f"known people named correctly: {np.mean(pred_known == y_known):.2f}")
print(f"strangers taken for someone:  {np.mean(pred_strangers != 'unknown'):.2f}")

# %%
# What it answers
# ---------------
# Each photo with the answer and its rejection score (above the threshold,
# the answer is ``'unknown'``); green answers are right, red ones wrong.
X_show = X_known[::2] + X_strangers[::2]
truth = y_known[::2] + ["unknown"] * len(strangers)
answers = clf.predict(X_show)
scores = clf.rejection_score(X_show)
fig, axes = plt.subplots(2, 6, figsize=(9, 4.6))
for ax, image, answer, true, score in zip(
    axes.ravel(), X_show, answers, truth, scores, strict=True
):
    ax.imshow(image, cmap="gray", vmin=0, vmax=1)
    ax.set_title(
        f"{answer}\nscore {score:.2f}",
        color="tab:green" if answer == true else "tab:red",
        fontsize=9,
    )
    ax.set_axis_off()
fig.suptitle(f"8 enrolled people, then 4 strangers (threshold {clf.threshold_:.2f})")
fig.tight_layout()
plt.show()

# %%
# Scores against the threshold
# ----------------------------
# The rejection score of every new photo: photos of enrolled people fall
# below the learned threshold, strangers above it.
fig, ax = plt.subplots(figsize=(7, 2.6))
d_known = clf.rejection_score(X_known)
d_strangers = clf.rejection_score(X_strangers)
ax.plot(d_known, np.zeros_like(d_known), "o", label="enrolled people", alpha=0.7)
ax.plot(d_strangers, np.ones_like(d_strangers), "s", label="strangers", alpha=0.7)
ax.axvline(clf.threshold_, color="k", linestyle="--", label="threshold_ ('auto')")
ax.set_yticks([0, 1], ["enrolled", "strangers"])
ax.set_ylim(-0.6, 1.6)
ax.set_xlabel("rejection score: nearest distance / nearest other person's")
ax.legend(loc="upper left", fontsize=8)
fig.tight_layout()
plt.show()

# %%
# Why: the nearest enrolled faces
# -------------------------------
# :func:`~platevision.plotting.plot_neighbors` shows, for a few photos, the
# answer, the nearest enrolled faces with their distances, and the rejection
# score against the threshold (a red bar: rejected). An enrolled person's
# nearest faces are their own, and much nearer than anyone else's; a
# stranger's nearest faces belong to several people at similar distances.
plot_neighbors(
    clf,
    [X_known[0], X_known[2], X_strangers[0], X_strangers[2]],
    X_train,
    n_neighbors=3,
    titles=[y_known[0], y_known[2], "stranger", "stranger"],
)
plt.show()
