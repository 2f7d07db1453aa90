"""Template evidence: how well each candidate's prototypes explain a tile.

For a tile ``a`` (canonical ink map) and a prototype ``t`` of a candidate class,
the squared residual ``(a - t) ** 2`` is split in two: pixels where the two
disagree *in a cluster* (at least ``DENSITY`` of their 3 x 3 neighbourhood
disagrees too) are taken as damage, masked, and cost a flat ``DAMAGE_COST``
each; the other pixels are evidence and cost their residual. Clustered
disagreement is what occluders, chips, scratches and dirt leave; scattered
disagreement along stroke edges is what a wrong class or a pixel of
misalignment leaves. The cost of a class is the lowest cost among its
prototypes; the mask that prototype implies is the damage found for that
reading.
"""

from __future__ import annotations

import numpy as np

# A pixel disagrees when its ink differs by more than half the contrast.
DISAGREE = 0.25  # on the squared residual
# ... and is damage when 4 of the 9 pixels of its 3 x 3 neighbourhood disagree.
DENSITY = 4.0 / 9.0
# The price of explaining a pixel away as damage, per pixel (a clean mismatch
# costs about 1): damage is possible but not free, so clean tiles stay clean.
DAMAGE_COST = 0.35
# Weight of the squared difference of log aspect ratios (narrow 1 and I vs wide M).
ASPECT_WEIGHT = 0.05


def _clustered(disagree: np.ndarray) -> np.ndarray:
    """Pixels with at least ``DENSITY`` of their 3 x 3 neighbourhood disagreeing.

    ``disagree`` is boolean, its last two axes the image. The neighbourhood
    counts are separable box sums in uint8 (at most 9), zero outside the image.
    """
    count = disagree.astype(np.uint8)
    column = count.copy()
    column[..., 1:, :] += count[..., :-1, :]
    column[..., :-1, :] += count[..., 1:, :]
    total = column.copy()
    total[..., 1:] += column[..., :-1]
    total[..., :-1] += column[..., 1:]
    return total >= int(np.ceil(DENSITY * 9 - 1e-9))


def candidate_costs(
    canonical: np.ndarray,
    log_aspect: np.ndarray,
    known_masks: np.ndarray | None,
    candidates: np.ndarray,
    bank: np.ndarray,
    bank_aspect: np.ndarray,
    class_prototypes: np.ndarray,
    shape: tuple[int, int],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cost of each candidate class for each tile, its best prototype and mask.

    Parameters
    ----------
    canonical : (n, P) ndarray
        Canonical ink maps, flattened (P pixels).
    log_aspect : (n,) ndarray
        Log aspect ratios of the tiles.
    known_masks : (n, P) bool ndarray or None
        Damage masks given by the caller (canonical); None to find them.
    candidates : (n, K) int ndarray
        Candidate class indices per tile.
    bank : (B, P) ndarray
        Prototype ink maps.
    bank_aspect : (B,) ndarray
        Their log aspect ratios.
    class_prototypes : (n_classes, Q) int ndarray
        Up to Q prototype indices per class (padded by repetition).
    shape : tuple of 2 int
        The canonical shape (rows, columns), with rows * columns == P.

    Returns
    -------
    costs : (n, K) ndarray
    best : (n, K) int ndarray
        Index in ``bank`` of each candidate's best prototype.
    masks : (n, K, P) bool ndarray
        The damage each candidate's best prototype implies.
    """
    n, n_pixels = canonical.shape
    proto = class_prototypes[candidates]  # (n, K, Q)
    # float32: half the memory traffic of float64; an elementwise difference and
    # square are exactly rounded, so every platform gets the same residuals.
    tiles = canonical.astype(np.float32)[:, None, None, :]
    residual = (tiles - bank.astype(np.float32)[proto]) ** 2  # (n, K, Q, P)
    if known_masks is None:
        disagree = residual > DISAGREE
        spatial = disagree.reshape(*disagree.shape[:-1], *shape)
        masks = disagree & _clustered(spatial).reshape(disagree.shape)
    else:
        masks = np.broadcast_to(known_masks[:, None, None, :], residual.shape)
    residual[masks] = DAMAGE_COST
    costs = residual.mean(axis=-1, dtype=np.float64)
    costs += ASPECT_WEIGHT * (log_aspect[:, None, None] - bank_aspect[proto]) ** 2
    pick = costs.argmin(axis=-1)  # (n, K)
    take = (np.arange(n)[:, None], np.arange(candidates.shape[1])[None, :], pick)
    return costs[take], proto[take], np.asarray(masks[take])
