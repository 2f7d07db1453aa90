"""
What HOG and LBP see in a plate character
=========================================

:class:`~platevision.features.HOGTransformer` describes shape by the orientation of
gradients in each cell; :class:`~platevision.features.LBPTransformer` describes
texture by the local binary pattern of each pixel, and does not change when the
lighting changes monotonically. This example draws both for a few synthetic plate
characters, then shows how well each one separates the 36 characters with a linear
classifier.
"""

# %%
# Synthetic characters
# --------------------
# :func:`~platevision.datasets.make_plate_characters` renders 0-9 and A-Z from
# fonts that ship with the package's dependencies.
import matplotlib.pyplot as plt
import numpy as np
from skimage.feature import hog, local_binary_pattern

from platevision.datasets import make_plate_characters

characters = make_plate_characters(n_per_class=30, random_state=0)
X, y = characters.images, characters.target
print(f"{len(X)} tiles of shape {X.shape[1:]}, {len(set(y))} classes")

# %%
# The gradient histograms and the binary patterns of four tiles
# --------------------------------------------------------------
picks = [np.flatnonzero(y == c)[0] for c in "8B3E"]
fig, axes = plt.subplots(3, 4, figsize=(6, 5.5))
for col, i in enumerate(picks):
    tile = X[i]
    _, hog_image = hog(tile, pixels_per_cell=(4, 4), visualize=True)
    codes = local_binary_pattern(np.rint(tile * 255).astype(np.uint8), 8, 1, "uniform")
    for row, (image, title) in enumerate(
        [(tile, f"tile '{y[i]}'"), (hog_image, "HOG"), (codes, "LBP codes")]
    ):
        axes[row, col].imshow(image, cmap="gray")
        axes[row, col].set_title(title, fontsize=9)
        axes[row, col].axis("off")
fig.tight_layout()

# %%
# How well does each feature read the characters?
# ------------------------------------------------
# Each transformer is a scikit-learn transformer, so it goes straight into a
# pipeline and into cross-validation.
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import FeatureUnion, make_pipeline
from sklearn.svm import LinearSVC

from platevision.features import HOGTransformer, LBPTransformer

hog_features = HOGTransformer(image_shape=(32, 20), pixels_per_cell=(4, 4))
lbp_features = LBPTransformer(grid_shape=(4, 2))
for name, features in [
    ("HOG", hog_features),
    ("LBP", lbp_features),
    ("HOG + LBP", FeatureUnion([("hog", hog_features), ("lbp", lbp_features)])),
]:
    scores = cross_val_score(make_pipeline(features, LinearSVC()), X, y, cv=3)
    print(f"{name:10s} accuracy {scores.mean():.3f} +/- {scores.std():.3f}")
