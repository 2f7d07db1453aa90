"""Template evidence: how well each candidate's prototypes explain a tile.

For a tile ``a`` (canonical ink map) and a prototype ``t`` of a candidate class,
the squared residual ``(a - t) ** 2`` is split in two: pixels where the two
disagree *in a cluster* (at least ``DENSITY`` of their 3 x 3 neighbourhood
disagrees too) may be damage (one side of them is, see below): masked, they
cost a flat ``DAMAGE_COST`` each; the other pixels are evidence and cost their
residual. Clustered disagreement is what occluders, chips, scratches and dirt
leave; scattered disagreement along stroke edges is what a wrong class or a
pixel of misalignment leaves. The cost of a class is the lowest cost among its
prototypes; the mask that prototype implies is the damage found for that
reading.

Damage is taken to go one way in a reading: it takes ink away (a chip, a
scratch, paint or a sticker the colour of the plate, fading) or it adds ink
(dirt, a dark occluder), not both. Of the clustered disagreement, only the
side with more pixels (ink missing, or ink extra, against the prototype) is
damage; the other side is a mismatch and costs its residual. The clusters
are found over both sides at once, before one side is kept. A wrong class
laid over a tile disagrees both ways (its strokes where the tile has none and
the tile's where it has none), so it can no longer explain half of that
away as damage.
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


def _one_way(masks: np.ndarray, extra: np.ndarray) -> np.ndarray:
    """The damage of ``masks`` on the side with more pixels.

    ``extra`` is True where the tile has more ink than the prototype (ink
    added), False where it has less (ink taken away); the last axis holds the
    pixels. Ties keep the ink added.
    """
    n_added = np.count_nonzero(masks & extra, axis=-1)[..., None]
    n_damaged = np.count_nonzero(masks, axis=-1)[..., None]
    # Where added ink is the larger side keep the pixels with ink added, else
    # those with ink taken away (a few whole-array passes: the arrays are big).
    return masks & (extra == (2 * n_added >= n_damaged))


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
    prototypes = bank.astype(np.float32)[proto]  # (n, K, Q, P)
    residual = (tiles - prototypes) ** 2
    if known_masks is None:
        disagree = residual > DISAGREE
        spatial = disagree.reshape(*disagree.shape[:-1], *shape)
        masks = _one_way(
            disagree & _clustered(spatial).reshape(disagree.shape),
            tiles > prototypes,
        )
    else:
        masks = np.broadcast_to(known_masks[:, None, None, :], residual.shape)
    residual[masks] = DAMAGE_COST
    costs = residual.mean(axis=-1, dtype=np.float64)
    costs += ASPECT_WEIGHT * (log_aspect[:, None, None] - bank_aspect[proto]) ** 2
    pick = costs.argmin(axis=-1)  # (n, K)
    take = (np.arange(n)[:, None], np.arange(candidates.shape[1])[None, :], pick)
    return costs[take], proto[take], np.asarray(masks[take])
