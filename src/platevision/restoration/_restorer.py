"""PlateCharacterRestorer: read broken plate characters, restore them, and say how
sure it is."""

from __future__ import annotations

import dataclasses
import os
import warnings
from numbers import Integral
from typing import Any, ClassVar, NamedTuple

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import check_is_fitted

from platevision.restoration._augment import jitter_tile
from platevision.restoration._evidence import candidate_costs
from platevision.restoration._inpaint import biharmonic_fill, inpaint_guided
from platevision.restoration._tiles import (
    Tile,
    classifier_features,
    flipped,
    ink_extent,
    make_tile,
)
from platevision.utils._added_parameters import AddedParametersMixin
from platevision.utils._image import as_image_sequence, resize_image
from platevision.utils._sklearn_compat import Interval, StrOptions, _fit_context
from platevision.utils._validation import check_int, check_labels, is_textual
from platevision.utils._warnings import warn_user

__all__ = ["PlateCharacterRestorer", "Reading"]

# Severities of the damage the proposal classifier is trained and calibrated on.
_TRAIN_SEVERITY = (0.0, 0.8)
_CALIBRATION_SEVERITIES = (0.2, 0.4, 0.6)
# n_augment='auto': 32 damaged copies of each training tile, fewer where that
# would give the proposal more than about 40,000 tiles to learn from, and never
# fewer than 4 (copies stopped helping at 14,000 tiles, see the docstring).
_AUGMENT_COPIES = (4, 32)
_AUGMENT_BUDGET = 40_000
# Fusion before calibration: the proposal's log-probability, minus the evidence
# cost over 0.01 (a cost difference of 0.01, about 1% of the pixels, is worth a
# factor e); no dependence on the amount of damage; with a known mask, the
# proposal's reading of the raw and of the filled tile count alike.
_DEFAULT_FUSION = np.array([1.0, -100.0, 0.0, 0.0, 0.5])
# Given masks: the fusion is calibrated with true masks of the damage model at
# severities up to 0.6, 99% of which cover less than this fraction of the tile
# (occlusion 0.6 on half of the benchmark's real training tiles: 99% under
# 0.45, the largest 0.54). Beyond it the probabilities are drawn towards the
# class prior, all the way for a mask over the whole tile (see _mask_share).
_MASKED_CALIBRATED = 0.45
# No mask given: the calibration vouches for tiles whose ink spans as large a
# share of their rows as 99.5% of its own tiles' ink does, and of their
# columns likewise (its tiles clean and broken, read without masks; see
# ink_extent): at most 1% of them span less either way. A tile whose ink spans
# less (most of the character painted out) is drawn towards the class prior,
# all the way for a tile without ink.
_EXTENT_PERCENT = 0.5


class Reading(NamedTuple):
    """One plausible reading of a character tile.

    Returned by :meth:`PlateCharacterRestorer.readings`.

    Parameters
    ----------
    character : object
        The character read (an element of ``classes_``).
    probability : float
        Its probability.
    restored : (M, N) ndarray
        The tile restored as this character would look (grey, the tile's shape).

    Examples
    --------
    >>> import numpy as np
    >>> from platevision.restoration import Reading
    >>> reading = Reading("8", 0.7, np.ones((32, 20)))
    >>> reading.character, reading.probability
    ('8', 0.7)
    """

    character: Any
    probability: float
    restored: np.ndarray


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    logits = logits - logits.max(axis=1, keepdims=True)
    return logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))


def _towards_prior(
    proba: np.ndarray, share: np.ndarray, prior: np.ndarray
) -> np.ndarray:
    """``proba`` (n, C) drawn towards ``prior`` by ``share`` (n,), in [0, 1]: how
    much of what the calibration vouches for each tile shows.

    The log-probabilities are mixed, ``share * log proba + (1 - share) * log
    prior``: unchanged at 1, the prior at 0, and in between as sure as what is
    left to read allows.
    """
    share = np.asarray(share, dtype=float)[:, None]
    if np.all(share == 1.0):
        return proba
    log_proba = np.log(np.clip(proba, 1e-300, None))
    mixed = share * log_proba + (1.0 - share) * np.log(prior)
    return np.exp(_log_softmax(mixed))


def _mask_share(masked: np.ndarray) -> np.ndarray:
    """Given masks covering the fractions ``masked`` (n,) of their tiles:
    ``(1 - masked) / (1 - _MASKED_CALIBRATED)`` clipped to [0, 1], that is 1 up
    to the masks the calibration saw and 0 for a mask over the whole tile."""
    return np.clip((1.0 - masked) / (1.0 - _MASKED_CALIBRATED), 0.0, 1.0)


def _extent_share(extent: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """No mask given, tiles whose ink spans the shares ``extent`` (n, 2) of
    their rows and columns (see ``ink_extent``): the smaller of ``extent /
    limit`` over the two, clipped to [0, 1], with ``limit`` (2,) the least
    shares the calibration vouches for (0: no limit on that axis)."""
    share = np.ones(len(extent))
    for axis, least in enumerate(np.asarray(limit, dtype=float)):
        if least > 0.0:
            share = np.minimum(share, np.clip(extent[:, axis] / least, 0.0, 1.0))
    return share


def _check_masks(masks: Any, tiles: list[Tile]) -> list[np.ndarray] | None:
    if masks is None:
        return None
    if (
        isinstance(masks, (str, bytes, dict, set, frozenset))
        or (isinstance(masks, np.ndarray) and masks.ndim == 0)
        or not hasattr(masks, "__iter__")
    ):
        msg = (
            f"masks must hold one (M, N) bool mask per tile ({len(tiles)}), as a "
            f"sequence or an (n_samples, M, N) array; got {type(masks).__name__}."
        )
        raise TypeError(msg)
    if isinstance(masks, np.ndarray) and masks.ndim == 2:
        msg = (
            f"masks must hold one (M, N) mask per tile ({len(tiles)}), as a "
            f"sequence or an (n_samples, M, N) array; got one {masks.shape} array "
            "(for one tile, pass [mask])."
        )
        raise ValueError(msg)
    masks = list(masks)
    if len(masks) != len(tiles):
        msg = f"masks must hold one mask per tile ({len(tiles)}); got {len(masks)}."
        raise ValueError(msg)
    checked = []
    for i, (mask, tile) in enumerate(zip(masks, tiles, strict=True)):
        mask = np.asarray(mask)
        if mask.shape != tile.grey.shape:
            msg = (
                f"masks[{i}] must have the shape of X[{i}], {tile.grey.shape}; got "
                f"{mask.shape}."
            )
            raise ValueError(msg)
        checked.append(mask.astype(bool))
    return checked


def _canonical_mask(mask: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    # A canonical pixel is damaged when a quarter of what it covers is.
    return resize_image(mask.astype(np.float64), shape).ravel() > 0.25


def _filled(tile: Tile, mask: np.ndarray, shape: tuple[int, int]) -> Tile:
    """The tile with its ink inside ``mask`` (the tile's shape) filled by
    biharmonic inpainting from the ink around it: what the proposal reads when
    the damage is known."""
    if not mask.any() or mask.all():
        return tile
    ink = biharmonic_fill(tile.ink, mask)
    canonical = resize_image(ink, shape).ravel()
    return dataclasses.replace(tile, ink=ink, canonical=canonical)


def _template_images(char: Any, images: Any) -> list[Any]:
    """``templates[char]`` as a list of images: a sequence of them, not one."""
    one = isinstance(images, str | os.PathLike) or (
        isinstance(images, np.ndarray) and images.ndim == 2
    )
    if one:
        msg = (
            f"templates[{char!r}] must be a sequence of images (a list, or an "
            "(n, M, N) array); got one image: put it in a list."
        )
        raise TypeError(msg)
    try:
        return list(images)
    except TypeError:
        msg = (
            f"templates[{char!r}] must be a sequence of images; got "
            f"{type(images).__name__}."
        )
        raise TypeError(msg) from None


def _minimise_log_loss(
    features: np.ndarray,
    truth: np.ndarray,
    start: np.ndarray,
    offset: np.ndarray | float = 0.0,
) -> np.ndarray | None:
    """The weights ``w`` minimising the log-loss of the logits
    ``offset + features @ w`` (features (n, C, F), truth (n,) class indices),
    from ``start``; None when the optimiser gives no finite answer."""
    from scipy.optimize import minimize

    rows = np.arange(len(truth))

    def loss(weights: np.ndarray) -> tuple[float, np.ndarray]:
        log_p = _log_softmax(offset + features @ weights)
        expected = np.einsum("nc,ncf->nf", np.exp(log_p), features)
        gradient = (expected - features[rows, truth]).mean(axis=0)
        # A whisper of ridge keeps the weights finite on separable data.
        penalty = 1e-6 * weights @ weights
        value = -log_p[rows, truth].mean() + penalty
        return float(value), gradient + 2e-6 * weights

    result = minimize(loss, start, jac=True, method="L-BFGS-B")
    return result.x if np.all(np.isfinite(result.x)) else None


def _n_copies(n_augment: int | str, n_tiles: int) -> int:
    """Damaged copies of each of ``n_tiles`` training tiles (``n_augment``
    as the restorer takes it)."""
    if n_augment != "auto":
        return int(n_augment)
    low, high = _AUGMENT_COPIES
    return int(np.clip(_AUGMENT_BUDGET // max(n_tiles, 1), low, high))


def _calibration_split(
    y: np.ndarray, rng: np.random.RandomState, fraction: float = 0.2
) -> tuple[np.ndarray, np.ndarray]:
    """Hold out about ``fraction`` of each class with 5 tiles or more."""
    held_mask = np.zeros(len(y), dtype=bool)
    for label in np.unique(y):
        members = np.flatnonzero(y == label)
        n_held = int(len(members) * fraction) if len(members) >= 5 else 0
        held_mask[rng.choice(members, n_held, replace=False)] = True
    return np.flatnonzero(~held_mask), np.flatnonzero(held_mask)


class PlateCharacterRestorer(AddedParametersMixin, ClassifierMixin, BaseEstimator):
    """Read broken plate characters, restore them, and give every plausible reading.

    A character on a plate may be chipped, scratched, faded, or half hidden by
    dirt or a bolt. The restorer reads it as well as the remaining strokes allow
    and, where they leave doubt, says so: several readings, each with a
    probability and a picture of the character as it would look.

    It works in three steps. A *proposal* classifier (a small neural network on
    a coarse ink map and the aspect ratio, trained on the clean training tiles
    and on copies broken by :func:`~platevision.datasets.damage_characters`)
    names the ``n_candidates`` most likely characters. For each candidate the
    *template bank* (prototypes of every character, picked from the training
    tiles) gives *evidence*: the prototype that best explains the tile, where
    clustered disagreement is taken as damage (the mask) and the remaining
    pixels are compared. Damage goes one way in a reading (ink taken away, or
    ink added): of the clustered disagreement, the side with fewer pixels is
    compared as a mismatch. When the caller knows the damage (``masks=``), the
    proposal also reads the tile with the masked pixels filled in by biharmonic
    inpainting from the strokes around them. The proposal and the evidence are
    combined and calibrated on held-out training tiles, so the probabilities
    are honest.
    Finally each reading's tile is *restored* by biharmonic inpainting of the
    damaged pixels, steered by that reading's prototype
    (:func:`~platevision.restoration.inpaint_guided`).

    Read more in the :ref:`User Guide <restoration>`.

    Parameters
    ----------
    alphabet : str or sequence, default=None
        The characters that may be read. None: those of ``y``. Training labels
        outside the alphabet are an error; characters of the alphabet without a
        training tile or a template cannot be read (a warning says which).
    templates : dict, default=None
        A given template bank: ``{character: [image, ...]}``, in the package's
        image convention. None learns it from the training tiles. Characters
        without templates take their prototypes from their training tiles;
        characters with templates and no training tile also learn from their
        templates, as training tiles.
    n_prototypes : int, default=16
        Prototypes per character in the learned bank: the tiles nearest to the
        centres of a k-means clustering of that character's tiles (all tiles
        when there are fewer).
    tile_shape : tuple of (int, int), default=(32, 16)
        Canonical shape (rows, columns) tiles are compared at.
    ink : {'auto', 'dark', 'light'}, default='auto'
        Whether the characters are darker than their plate (``'dark'``),
        lighter (``'light'``), or either, told tile by tile from its border
        (``'auto'``): a border darker than the middle of the tile's grey
        levels means light characters, and a border that leaves it in doubt
        (a dark occluder over the edge, a bold character cut tight) has the
        tile read both ways, kept the way the template bank explains better.
        Tiles cut from one kind of plate are best told: no tile is then read
        the wrong way round, nor twice (:class:`~platevision.reader.PlateReader`
        hands its restorer dark characters and sets ``'dark'``).
    mask : {'auto', 'none'}, default='auto'
        How damage is found when no ``masks`` are passed: ``'auto'`` compares
        the tile with each candidate's prototypes; ``'none'`` takes the tile as
        undamaged.
    inpainting : {'biharmonic'}, default='biharmonic'
        How damaged pixels are filled.
    n_candidates : int, default=5
        Characters the proposal keeps for the evidence step.
    n_augment : int or 'auto', default='auto'
        Damaged copies of each training tile the proposal learns from (0 for
        none); kinds cycle through :data:`~platevision.datasets.DAMAGE_KINDS`,
        severities are uniform in [0, 0.8]. More copies make a slower fit and
        a proposal that holds up better under damage, up to about 32 (fitted
        on half of the benchmark's real training tiles, 443, and read on the
        other half, mean top-1 over clean tiles and 7 kinds and severities of
        damage, 2 seeds: 8 copies 0.847, 16 0.857, 32 0.865, 64 0.866; the
        fit took 39, 70, 124 and 230 s). ``'auto'`` makes 32 copies up to
        1,250 training tiles, and beyond that as many as give the proposal
        networks about 40,000 damaged tiles to learn from (at least 4 copies),
        so that fitting on many tiles stays affordable: on 3,960 synthetic
        characters it made 10 copies and fitted in 402 s against 1,748 s with
        32, and read about as well (mean top-1 over clean tiles and 6 damage
        conditions 0.951 against 0.953, worst calibration error 0.033 against
        0.037).
    jitter : bool, default=True
        Before it is damaged, each copy is also changed a little as characters
        cut from photos differ: its box a pixel or two off, turned up to 4
        degrees, slanted, scaled by up to 10%, sometimes blurred and its
        strokes thickened or thinned. The proposal then reads characters of
        other cuts, photos and fonts better (measured: characters cut from the
        OpenALPR US photos, 5 folds by photo, top-1 0.858 -> 0.872, top-3
        0.910 -> 0.919).
    hidden_layer_sizes : tuple of int, default=(512,)
        Hidden layers of the proposal network.
    n_proposals : int, default=3
        Proposal networks, each started from its own seed and trained on its
        own damaged copies; their probabilities are averaged. One network is
        three times faster to fit; three read damaged tiles better and vary
        less with the seed (on a held-out half of the benchmark's training
        tiles, mean top-1 over clean and 10 damage conditions 0.855 -> 0.865
        and 0.837 -> 0.859 for two seeds; in the benchmark, the worst expected
        calibration error 0.066 -> 0.052).
    top_k : int, default=3
        Readings returned per tile by :meth:`readings`.
    random_state : int, RandomState instance or None, default=None
        Seeds the damage copies, the calibration split, the bank's k-means and
        the network.
    n_jobs : int, default=None
        Parallel jobs for fitting the proposal networks and for prediction,
        through joblib (``None`` means 1, ``-1``
        all processors).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The characters, sorted; columns of :meth:`predict_proba`.
    tile_shape_ : tuple of (int, int)
        The canonical shape the restorer was fitted with (``tile_shape``).
    proposals_ : list of Pipeline
        The fitted proposal classifiers (``n_proposals`` of them).
    bank_ : ndarray of shape (n_prototypes_total, rows * columns)
        Canonical ink maps of the prototypes.
    bank_labels_ : ndarray of shape (n_prototypes_total,)
        Class index of each prototype.
    class_prior_ : ndarray of shape (n_classes,)
        The classes' frequencies among the training tiles: the probabilities of
        a tile without evidence (see Notes).
    fusion_weights_ : ndarray of shape (5,)
        How proposal and evidence combine, fitted on held-out training tiles
        (clean and broken) by minimising the log-loss: the logit of a character
        is ``w0 * log p + w1 * cost + d * (w2 * log p + w3 * cost)
        + w4 * (log q - log p)``, with ``p`` the proposal's probability,
        ``cost`` the evidence cost, ``d`` the fraction of the tile taken as
        damaged and ``q`` the proposal's probability for the tile with its
        known damage filled (``q = p`` when no mask is given).
    ink_extent_limit_ : ndarray of shape (2,)
        The least shares of its rows and of its columns that a tile's ink may
        span, read without masks, before its probabilities are drawn towards
        ``class_prior_``: the 0.5th percentiles over the calibration's tiles,
        clean and broken (0 when there were too few tiles to calibrate on: no
        limit; see Notes).

    See Also
    --------
    platevision.datasets.damage_characters : The damage model.
    platevision.restoration.inpaint_guided : Template-guided inpainting.

    Notes
    -----
    Masks, where the caller knows them, are passed as ``masks=`` to
    :meth:`predict`, :meth:`predict_proba`, :meth:`readings`, :meth:`restore`
    and :meth:`score`; in a :class:`~sklearn.pipeline.Pipeline` request them
    with ``set_predict_request(masks=True)`` (scikit-learn metadata routing).
    A flat tile (no contrast), or one whose mask covers all of it, carries no
    evidence: its probabilities are the class frequencies of the training set
    (``class_prior_``; all alike when the classes were trained alike), the
    honest answer when nothing is seen. With a given mask the evidence leaves
    out the masked pixels, and the proposal reads the tile both as it is and
    with them filled in, as far as the calibration on the damage model's true
    masks found each worth. 99% of those masks cover less than 45% of their
    tile; a mask that covers more draws the probabilities towards
    ``class_prior_``, the further the more it covers (measured with
    ``benchmarks/restorer_dev.py --beyond``: a band over 70% of each held-out
    tile painted the plate's grey and given as the mask, top-1 0.291 and mean
    confidence 0.647 before, 0.300 and 0.407 after; over 90%, confidence
    0.377 before, 0.104 after; still surer than it reads right).

    Without masks, damage past the damage model's range (half of the ink
    gone) is not found as such, but where it takes ink away it shows in how
    little of the tile the ink spans: the shares of the tile's rows and of its
    columns from its first to its last pixel of ink (on the benchmark's real
    tiles, clean, 0.91 and 1.00 at the median). ``fit`` learns the least
    shares that 99.5% of its calibration tiles reached either way
    (``ink_extent_limit_``), and a tile whose ink spans less is drawn towards
    ``class_prior_`` by the smaller ratio of the two: a character mostly
    painted out, or a tile without ink. A band painted the ink's colour
    mostly turns the tile over (its border is then mostly of the ink's
    colour); what is then read as ink, the plate left uncovered, spans little
    of it too. Otherwise the band reads as ink, and nothing is drawn.
    Measured the same way, no mask given, a band over 70% of each tile
    painted the plate's grey: top-1 0.117 at a mean confidence of 0.728
    before, 0.140 at 0.324 after; over 90%, confidence 0.414 before, 0.097
    after; painted the ink's grey over 70%, 0.093 at 0.593 before, 0.099 at
    0.346 after. Under the damage model, one held-out tile of 443 changed its
    reading (occlusion 0.6, top-1 0.797 -> 0.795). Tiles cut with much wider
    margins than the training tiles are drawn towards the prior too: cut the
    tiles to read as those fitted on. Where the probabilities are drawn, the
    readings and the restoration follow them.

    Examples
    --------
    >>> from platevision.datasets import damage_characters, make_plate_characters
    >>> from platevision.restoration import PlateCharacterRestorer
    >>> train = make_plate_characters(10, random_state=0)
    >>> restorer = PlateCharacterRestorer(n_augment=2, n_proposals=1, random_state=0)
    >>> restorer = restorer.fit(train.images, train.target)
    >>> test = make_plate_characters(2, alphabet="8E", random_state=1)
    >>> restorer.predict(test.images).tolist()
    ['8', '8', 'E', 'E']
    >>> broken, masks = damage_characters(test.images, kind="chips", severity=0.4,
    ...                                   random_state=0)
    >>> readings = restorer.readings(broken, top_k=3)
    >>> len(readings[0]), readings[0][0].restored.shape
    (3, (32, 20))
    >>> bool(readings[0][0].probability >= readings[0][1].probability)
    True
    """

    # Restorers saved before ``ink`` existed told the polarity tile by tile;
    # those saved before ``n_proposals`` had one proposal network.
    _parameters_added: ClassVar[dict[str, Any]] = {"ink": "auto", "n_proposals": 1}

    _parameter_constraints: dict[str, list[Any]] = {
        "alphabet": [str, list, tuple, None],
        "templates": [dict, None],
        "n_prototypes": [Interval(Integral, 1, None, closed="left")],
        "tile_shape": [tuple, list],
        "ink": [StrOptions({"auto", "dark", "light"})],
        "mask": [StrOptions({"auto", "none"})],
        "inpainting": [StrOptions({"biharmonic"})],
        "n_candidates": [Interval(Integral, 1, None, closed="left")],
        "n_augment": [Interval(Integral, 0, None, closed="left"), StrOptions({"auto"})],
        "jitter": ["boolean"],
        "hidden_layer_sizes": [tuple, list],
        "n_proposals": [Interval(Integral, 1, None, closed="left")],
        "top_k": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        *,
        alphabet: str | None = None,
        templates: dict[Any, Any] | None = None,
        n_prototypes: int = 16,
        tile_shape: tuple[int, int] = (32, 16),
        ink: str = "auto",
        mask: str = "auto",
        inpainting: str = "biharmonic",
        n_candidates: int = 5,
        n_augment: int | str = "auto",
        jitter: bool = True,
        hidden_layer_sizes: tuple[int, ...] = (512,),
        n_proposals: int = 3,
        top_k: int = 3,
        random_state: Any = None,
        n_jobs: int | None = None,
    ) -> None:
        self.alphabet = alphabet
        self.templates = templates
        self.n_prototypes = n_prototypes
        self.tile_shape = tile_shape
        self.ink = ink
        self.mask = mask
        self.inpainting = inpainting
        self.n_candidates = n_candidates
        self.n_augment = n_augment
        self.jitter = jitter
        self.hidden_layer_sizes = hidden_layer_sizes
        self.n_proposals = n_proposals
        self.top_k = top_k
        self.random_state = random_state
        self.n_jobs = n_jobs

    # ------------------------------------------------------------------ fit

    def _shape(self) -> tuple[int, int]:
        from platevision.features._base import _check_pair

        _check_pair(self.tile_shape, "tile_shape", type(self).__name__, minimum=4)
        return int(self.tile_shape[0]), int(self.tile_shape[1])

    def _inverted(self) -> bool | None:
        """The polarity ``ink`` sets (None: told tile by tile)."""
        return {"auto": None, "dark": False, "light": True}[self.ink]

    def _tiles(self, X: Any) -> list[Tile]:
        shape = self._shape()
        return [
            make_tile(item, i, shape, self._inverted())
            for i, item in enumerate(as_image_sequence(X))
        ]

    def _make_proposal(self, rng: np.random.RandomState) -> Any:
        network = MLPClassifier(
            hidden_layer_sizes=tuple(self.hidden_layer_sizes),
            alpha=1e-3,
            max_iter=200,
            random_state=rng.randint(np.iinfo(np.int32).max),
        )
        return make_pipeline(StandardScaler(), network)

    def _fit_proposal(
        self,
        tiles: list[Tile],
        y: np.ndarray,
        rng: np.random.RandomState,
        n_copies: int,
    ) -> Any:
        from platevision.datasets import DAMAGE_KINDS, damage_characters

        shape = self._shape()
        images, labels = [tile.grey for tile in tiles], list(y)
        for copy in range(n_copies):
            for k, kind in enumerate(DAMAGE_KINDS):
                chosen = np.flatnonzero(
                    np.arange(len(tiles)) % len(DAMAGE_KINDS)
                    == (k + copy) % len(DAMAGE_KINDS)
                )
                if chosen.size == 0:
                    continue
                severity = rng.uniform(*_TRAIN_SEVERITY)
                sources = [images[i] for i in chosen]
                if self.jitter:
                    sources = [jitter_tile(image, rng) for image in sources]
                damaged, _ = damage_characters(
                    sources,
                    kind=kind,
                    severity=severity,
                    random_state=rng.randint(np.iinfo(np.int32).max),
                )
                images.extend(damaged)
                labels.extend(y[chosen])
        features = classifier_features(
            [
                make_tile(image, i, shape, self._inverted())
                for i, image in enumerate(images)
            ],
            shape,
        )
        proposal = self._make_proposal(rng)
        with warnings.catch_warnings():
            # A fixed budget of epochs regularises the network; not converging
            # within it is expected, not a fault.
            warnings.simplefilter("ignore", ConvergenceWarning)
            proposal.fit(features, np.asarray(labels))
        return proposal

    def _fit_proposals(
        self,
        tiles: list[Tile],
        y: np.ndarray,
        rng: np.random.RandomState,
        n_copies: int,
    ) -> list[Any]:
        """``n_proposals`` proposal networks, each with its own seed and
        ``n_copies`` damaged copies of every tile (one network draws from
        ``rng`` itself, as before ensembles)."""
        if self.n_proposals == 1:
            return [self._fit_proposal(tiles, y, rng, n_copies)]
        seeds = rng.randint(np.iinfo(np.int32).max, size=self.n_proposals)
        return Parallel(n_jobs=self.n_jobs)(
            delayed(self._fit_proposal)(tiles, y, np.random.RandomState(seed), n_copies)
            for seed in seeds
        )

    def _build_bank(
        self, tiles: list[Tile], y_index: np.ndarray, rng: np.random.RandomState
    ) -> None:
        from sklearn.cluster import KMeans

        rows, aspects, labels = [], [], []
        for k in range(len(self.classes_)):
            members = np.flatnonzero(y_index == k)
            if members.size == 0:
                continue
            chosen = members
            if members.size > self.n_prototypes:
                maps = np.stack([tiles[i].canonical for i in members])
                kmeans = KMeans(
                    self.n_prototypes,
                    n_init=1,
                    random_state=rng.randint(np.iinfo(np.int32).max),
                ).fit(maps)
                nearest = {
                    int(np.argmin(((maps - centre) ** 2).sum(axis=1)))
                    for centre in kmeans.cluster_centers_
                }
                chosen = members[sorted(nearest)]
            for i in chosen:
                rows.append(tiles[i].canonical)
                aspects.append(tiles[i].log_aspect)
                labels.append(k)
        self.bank_ = np.stack(rows)
        self.bank_aspect_ = np.asarray(aspects)
        self.bank_labels_ = np.asarray(labels)
        width = max(np.bincount(self.bank_labels_, minlength=len(self.classes_)))
        table = np.zeros((len(self.classes_), width), dtype=np.intp)
        for k in range(len(self.classes_)):
            members = np.flatnonzero(self.bank_labels_ == k)
            if members.size == 0:  # a class with no prototype: never wins evidence
                members = np.array([0])
            table[k] = np.resize(members, width)
        self._class_prototypes = table
        self._has_prototype = np.isin(np.arange(len(self.classes_)), self.bank_labels_)

    def _template_tiles(self, y: np.ndarray) -> dict[Any, list[Tile]]:
        """The given ``templates`` as tiles, checked against the labels ``y``
        (keys of their kind, at least one image each); empty without them."""
        if self.templates is None:
            return {}
        textual = is_textual(y)
        odd = [char for char in self.templates if isinstance(char, str) != textual]
        if odd:
            msg = (
                "templates must be keyed by labels of y's kind "
                f"({'strings' if textual else 'numbers'}); got {odd[0]!r} "
                f"({type(odd[0]).__name__})."
            )
            raise TypeError(msg)
        given = {
            char: _template_images(char, images)
            for char, images in self.templates.items()
        }
        empty = [char for char, images in given.items() if not images]
        if empty:
            msg = (
                f"templates[{empty[0]!r}] holds no image; give each character "
                "at least one, or leave it out."
            )
            raise ValueError(msg)
        tiles = {}
        for char, images in given.items():
            try:
                tiles[char] = self._tiles(images)
            except (TypeError, ValueError) as err:
                # The image checks name X[i]: say whose X it is.
                kind = TypeError if isinstance(err, TypeError) else ValueError
                msg = f"templates[{char!r}]: {err}"
                raise kind(msg) from err
        return tiles

    def _check_fitted_shape(self) -> None:
        """``tile_shape`` must be the shape the restorer was fitted with."""
        shape = self._shape()
        # Restorers saved before tile_shape_ existed: their prototypes' size.
        fitted = getattr(self, "tile_shape_", None)
        if fitted is None:
            wrong = shape[0] * shape[1] != self.bank_.shape[1]
        else:
            wrong = shape != tuple(fitted)
        if wrong:
            msg = (
                f"tile_shape {self.tile_shape!r} is not the shape this restorer was "
                f"fitted with ({fitted or f'{self.bank_.shape[1]} pixels'}); set "
                "it back or fit again."
            )
            raise ValueError(msg)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any) -> PlateCharacterRestorer:
        """Learn the template bank and the proposal classifier from clean tiles.

        Parameters
        ----------
        X : sequence of images or paths, or (n_samples, M, N[, C]) ndarray
            Character tiles, in the package's image convention.
        y : array-like of shape (n_samples,)
            The character of each tile.

        Returns
        -------
        self : PlateCharacterRestorer
            The fitted restorer.
        """
        y = check_labels(self, y, at_least_two="tiles of at least 2 characters")
        rng = check_random_state(self.random_state)
        self.tile_shape_ = self._shape()
        tiles = self._tiles(X)
        if len(y) != len(tiles):
            msg = f"y must hold one label per tile ({len(tiles)}); got {len(y)}."
            raise ValueError(msg)
        labels = set(y.tolist())
        n_given = len(tiles)
        template_tiles = self._template_tiles(y)
        if template_tiles:
            # A character with templates and no training tile learns from its
            # templates, so that the proposal can name it too.
            only = [char for char in template_tiles if char not in labels]
            if only:
                extra = [char for char in only for _ in template_tiles[char]]
                tiles = tiles + [t for char in only for t in template_tiles[char]]
                y = np.concatenate([y, np.asarray(extra)])
            labels |= set(template_tiles)
        if self.alphabet is not None:
            allowed = set(self.alphabet)
            outside = sorted(str(label) for label in labels - allowed)
            if outside:
                msg = (
                    f"alphabet must contain every training label; {outside} are not "
                    f"in alphabet {''.join(sorted(map(str, allowed)))!r}."
                )
                raise ValueError(msg)
            missing = sorted(str(c) for c in allowed - labels)
            if missing:
                from platevision.exceptions import PlatevisionWarning

                warn_user(
                    f"alphabet characters {missing} have no training tile or "
                    "template and cannot be read.",
                    PlatevisionWarning,
                )
        self.classes_ = np.unique(np.asarray(sorted(labels, key=str), dtype=y.dtype))
        y_index = np.searchsorted(self.classes_, y)
        counts = np.bincount(y_index, minlength=len(self.classes_)).astype(float)
        self.class_prior_ = (counts + 1e-3) / (counts + 1e-3).sum()

        def build_bank(members: np.ndarray) -> None:
            # A character's templates where given, else its training tiles.
            templated = np.isin(self.classes_, list(template_tiles))
            learned = members[~templated[y_index[members]]]
            bank_tiles = [
                t for char in self.classes_ for t in template_tiles.get(char, [])
            ]
            bank_index = [
                k
                for k, char in enumerate(self.classes_)
                for _ in template_tiles.get(char, [])
            ]
            self._build_bank(
                bank_tiles + [tiles[i] for i in learned],
                np.concatenate(
                    [np.asarray(bank_index, dtype=np.intp), y_index[learned]]
                ),
                rng,
            )

        self.fusion_weights_ = _DEFAULT_FUSION.copy()
        self.ink_extent_limit_ = np.zeros(2)  # set by the calibration, if any
        # One number of copies for both fits below: the networks the fusion is
        # calibrated with learn as the networks kept do.
        n_copies = _n_copies(self.n_augment, len(tiles))
        train, held = _calibration_split(y, rng)
        # A character known by its templates alone has them all in the bank:
        # none of them is held out.
        from_templates = held >= n_given
        if from_templates.any():
            train = np.sort(np.concatenate([train, held[from_templates]]))
            held = held[~from_templates]
        if held.size >= 10 and len(np.unique(y[train])) == len(np.unique(y)):
            # Calibrate on tiles that neither the bank nor the proposal has seen:
            # a held-out tile's own prototype would make the evidence look surer
            # than it is.
            build_bank(train)
            self.proposals_ = self._fit_proposals(
                [tiles[i] for i in train], y[train], rng, n_copies
            )
            self._calibrate([tiles[i] for i in held], y_index[held], rng)
        build_bank(np.arange(len(tiles)))
        self.proposals_ = self._fit_proposals(tiles, y, rng, n_copies)
        return self

    def _calibrate(
        self, tiles: list[Tile], y_index: np.ndarray, rng: np.random.RandomState
    ) -> None:
        """Fit the fusion weights by minimising the log-loss on held-out tiles.

        The tiles are scored clean, and broken by every kind of damage both with
        the damage found (``mask='auto'``) and with the true masks, so that the
        weights hold for either way of knowing the damage. The weight of the
        filled tile's reading, which only known masks have, is fitted last on
        the tiles with true masks, the others held: it cannot change how
        found damage is read.
        """
        from platevision.datasets import DAMAGE_KINDS, damage_characters

        shape = self._shape()
        seen, clean = self._scores_either_way(tiles, None)
        parts = [clean]
        extents = [ink_extent(seen)]
        with_true_masks = [False]
        for kind in DAMAGE_KINDS:
            for severity in _CALIBRATION_SEVERITIES:
                damaged, masks = damage_characters(
                    [tile.grey for tile in tiles],
                    kind=kind,
                    severity=severity,
                    random_state=rng.randint(np.iinfo(np.int32).max),
                )
                batch = [
                    make_tile(image, i, shape, self._inverted())
                    for i, image in enumerate(damaged)
                ]
                seen, found = self._scores_either_way(batch, None)
                parts.append(found)
                extents.append(ink_extent(seen))
                parts.append(self._scores_either_way(batch, list(masks))[1])
                with_true_masks += [False, True]
        features = np.concatenate([self._fusion_features(p) for p in parts])
        truth = np.tile(y_index, len(parts))
        known = np.repeat(with_true_masks, len(y_index))
        weights = _DEFAULT_FUSION.copy()
        first = _minimise_log_loss(features[..., :4], truth, weights[:4])
        if first is not None:
            weights[:4] = first
        offset = features[known][..., :4] @ weights[:4]
        last = _minimise_log_loss(
            features[known][..., 4:], truth[known], weights[4:], offset
        )
        if last is not None:
            weights[4:] = last
        self.fusion_weights_ = weights
        self.ink_extent_limit_ = np.percentile(
            np.concatenate(extents), _EXTENT_PERCENT, axis=0
        )

    # ------------------------------------------------------------- scoring

    def _scores(
        self, tiles: list[Tile], masks: list[np.ndarray] | None
    ) -> tuple[np.ndarray, ...]:
        """Proposal log-probabilities (n, C), evidence costs (n, C), for the
        candidates: their indices (n, K), best prototypes (n, K), masks (n, K, P),
        and the proposal's log-probabilities with the known damage filled (n, C;
        the first ones again without ``masks``). Non-candidates get the worst
        candidate cost."""
        shape = self._shape()
        n_classes = len(self.classes_)
        log_proposal = self._log_proposal(tiles)
        log_filled = log_proposal
        if masks is not None:
            # Told where the damage is, the proposal also reads the tile with
            # the damage filled in from the strokes around it (on the real
            # tiles, chips 0.6 with the known masks: 0.80 -> 0.91 top-1 alone).
            filled = [_filled(t, m, shape) for t, m in zip(tiles, masks, strict=True)]
            changed = [i for i, tile in enumerate(tiles) if filled[i] is not tile]
            if changed:
                log_filled = log_proposal.copy()
                log_filled[changed] = self._log_proposal([filled[i] for i in changed])
        n_candidates = min(self.n_candidates, n_classes)
        order = np.argsort(-(log_proposal + 1e3 * self._has_prototype), axis=1)
        candidates = order[:, :n_candidates]
        canonical = np.stack([tile.canonical for tile in tiles])
        aspect = np.asarray([tile.log_aspect for tile in tiles])
        if masks is not None:
            known_masks = np.stack([_canonical_mask(m, shape) for m in masks])
        elif self.mask == "none":
            known_masks = np.zeros(canonical.shape, dtype=bool)
        else:
            known_masks = None
        cand_costs, best, cand_masks = candidate_costs(
            canonical,
            aspect,
            known_masks,
            candidates,
            self.bank_,
            self.bank_aspect_,
            self._class_prototypes,
            shape,
        )
        cand_costs[~self._has_prototype[candidates]] = np.inf
        finite = np.where(np.isfinite(cand_costs), cand_costs, -np.inf)
        worst = finite.max(axis=1, keepdims=True)
        costs = np.repeat(worst, n_classes, axis=1)
        np.put_along_axis(costs, candidates, np.minimum(cand_costs, worst), axis=1)
        return log_proposal, costs, candidates, best, cand_masks, log_filled

    def _scores_either_way(
        self, tiles: list[Tile], masks: list[np.ndarray] | None
    ) -> tuple[list[Tile], tuple[np.ndarray, ...]]:
        """:meth:`_scores`, with each tile whose border leaves its polarity in
        doubt also read the other way round, and kept the way its best
        candidate's prototype explains it better (the lower evidence cost).

        A dark occluder or dirt over the edge of a dark-on-light tile makes its
        border look dark; read as light ink, its background is all ink.
        """
        scores = self._scores(tiles, masks)
        doubtful = [i for i, tile in enumerate(tiles) if tile.ambiguous]
        if not doubtful:
            return tiles, scores
        shape = self._shape()
        turned = [flipped(tiles[i], shape) for i in doubtful]
        other = self._scores(
            turned, None if masks is None else [masks[i] for i in doubtful]
        )
        better = other[1].min(axis=1) < scores[1][doubtful].min(axis=1)
        if not better.any():
            return tiles, scores
        rows = np.asarray(doubtful)[better]
        tiles = list(tiles)
        for k in np.flatnonzero(better).tolist():
            tiles[doubtful[k]] = turned[k]
        chosen = []
        for mine, theirs in zip(scores, other, strict=True):
            mine = mine.copy()
            mine[rows] = theirs[better]
            chosen.append(mine)
        return tiles, tuple(chosen)

    def _log_proposal(self, tiles: list[Tile]) -> np.ndarray:
        """The proposal's log-probabilities (n, n_classes), columns as ``classes_``:
        the mean of its networks' probabilities."""
        proba = np.zeros((len(tiles), len(self.classes_)))
        features = classifier_features(tiles, self._shape())
        for network in self.proposals_:
            columns = np.searchsorted(self.classes_, network.classes_)
            proba[:, columns] += network.predict_proba(features)
        proba /= len(self.proposals_)
        return np.log(np.clip(proba, 1e-12, None))

    def __setstate__(self, state: dict[str, Any]) -> None:
        # Restorers saved before ensembles held their one network as proposal_.
        if "proposal_" in state:
            state = dict(state)
            state["proposals_"] = [state.pop("proposal_")]
        super().__setstate__(state)

    @staticmethod
    def _fusion_features(scores: tuple[np.ndarray, ...]) -> np.ndarray:
        """Per tile and class: log p, cost, both times the damaged fraction, and
        how much filling the known damage changes log p."""
        log_proposal, costs, candidates, _, cand_masks, log_filled = scores
        n = len(costs)
        top = np.take_along_axis(costs, candidates, axis=1).argmin(axis=1)
        damaged = cand_masks[np.arange(n), top].mean(axis=1)[:, None]
        return np.stack(
            [
                log_proposal,
                costs,
                damaged * log_proposal,
                damaged * costs,
                log_filled - log_proposal,
            ],
            axis=-1,
        )

    def _analyse(self, X: Any, masks: Any) -> tuple[list[Tile], dict[str, Any]]:
        check_is_fitted(self)
        self._validate_params()
        self._check_fitted_shape()
        tiles = self._tiles(X)
        checked = _check_masks(masks, tiles)
        chunks = np.array_split(np.arange(len(tiles)), max(1, len(tiles) // 256))
        parts = [
            (
                [tiles[i] for i in chunk],
                None if checked is None else [checked[i] for i in chunk],
            )
            for chunk in chunks
            if chunk.size
        ]
        if len(parts) == 1:
            # A few tiles (a plate's characters): no worker is worth starting.
            results = [self._scores_either_way(*parts[0])]
        else:
            results = Parallel(n_jobs=self.n_jobs)(
                delayed(self._scores_either_way)(*part) for part in parts
            )
        tiles = [tile for chunk_tiles, _ in results for tile in chunk_tiles]
        scores = tuple(
            np.concatenate(part)
            for part in zip(*(chunk_scores for _, chunk_scores in results), strict=True)
        )
        _, _, candidates, best, cand_masks, _ = scores
        proba = np.exp(
            _log_softmax(self._fusion_features(scores) @ self.fusion_weights_)
        )
        # Beyond what the calibration vouches for, the nearer the prior: the
        # more of a tile its given mask covers, or without masks the less of
        # it its ink spans (a character mostly painted out). Restorers saved
        # before the ink's extent was measured have no limit on it.
        if checked is not None:
            share = _mask_share(np.asarray([m.mean() for m in checked]))
        else:
            limit = getattr(self, "ink_extent_limit_", np.zeros(2))
            share = _extent_share(ink_extent(tiles), limit)
        proba = _towards_prior(proba, share, self.class_prior_)
        # No evidence at all (a flat tile): the prior.
        proba[[tile.flat for tile in tiles]] = self.class_prior_
        proba /= proba.sum(axis=1, keepdims=True)
        return tiles, {
            "proba": proba,
            # How well the best prototype of any candidate explains each tile.
            "cost": scores[1].min(axis=1),
            "candidates": candidates,
            "best": best,
            "masks": cand_masks,
            "given": checked,
        }

    def predict_proba(self, X: Any, masks: Any = None) -> np.ndarray:
        """Probability of each character, for each tile.

        Parameters
        ----------
        X : sequence of images or paths, or (n_samples, M, N[, C]) ndarray
            Character tiles.
        masks : sequence of (M, N) bool arrays, default=None
            Known damage, True where a pixel is damaged, one per tile with the
            tile's shape. None finds it (``mask='auto'``).

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Rows sum to 1; columns follow ``classes_``.
        """
        return self._analyse(X, masks)[1]["proba"]

    def _proba_and_cost(self, X: Any) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`predict_proba`, and each tile's template cost, in one pass.

        The cost is the mean per-pixel disagreement of the tile with the best
        prototype of its candidates (damage found costs ``DAMAGE_COST`` a
        pixel): low for a character of the bank's kind, high for other marks.
        """
        analysis = self._analyse(X, None)[1]
        return analysis["proba"], analysis["cost"]

    def predict(self, X: Any, masks: Any = None) -> np.ndarray:
        """The most probable character of each tile.

        Parameters
        ----------
        X : sequence of images or paths, or (n_samples, M, N[, C]) ndarray
            Character tiles.
        masks : sequence of (M, N) bool arrays, default=None
            Known damage; see :meth:`predict_proba`.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            The characters.
        """
        proba = self.predict_proba(X, masks=masks)
        return self.classes_[proba.argmax(axis=1)]

    def score(
        self, X: Any, y: Any, sample_weight: Any = None, masks: Any = None
    ) -> float:
        """Accuracy of :meth:`predict` on ``X``.

        Parameters
        ----------
        X : sequence of images or paths, or (n_samples, M, N[, C]) ndarray
            Character tiles.
        y : array-like of shape (n_samples,)
            True characters.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        masks : sequence of (M, N) bool arrays, default=None
            Known damage; see :meth:`predict_proba`.

        Returns
        -------
        score : float
            The fraction of tiles read right.
        """
        from sklearn.metrics import accuracy_score

        return float(
            accuracy_score(y, self.predict(X, masks=masks), sample_weight=sample_weight)
        )

    # --------------------------------------------------------- restoration

    def _reading_damage(
        self, tile: Tile, analysis: dict[str, Any], i: int, k: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Tile ``i`` read as class ``k``: its prototype (canonical ink map) and
        its damage mask at the tile's size (the given mask, or the one found)."""
        shape = self._shape()
        position = np.flatnonzero(analysis["candidates"][i] == k)
        if position.size:
            prototype = self.bank_[analysis["best"][i, position[0]]]
            canonical_mask = analysis["masks"][i, position[0]]
        else:  # not a candidate: its first prototype, the mask of the top reading
            prototype = self.bank_[self._class_prototypes[k, 0]]
            canonical_mask = analysis["masks"][i, 0]
        if analysis["given"] is not None:
            return prototype, analysis["given"][i]
        mask = canonical_mask.reshape(shape).astype(np.float64)
        return prototype, resize_image(mask, tile.grey.shape) > 0.5

    def _restore_one(
        self, tile: Tile, analysis: dict[str, Any], i: int, k: int
    ) -> np.ndarray:
        """Tile ``i`` restored as class ``k``."""
        prototype, mask = self._reading_damage(tile, analysis, i, k)
        template = resize_image(prototype.reshape(self._shape()), tile.grey.shape)
        # Inpaint in the tile's own ink levels, so unmasked pixels stay exactly.
        low, high = tile.levels
        restored = inpaint_guided(tile.raw_ink(), mask, low + template * (high - low))
        return restored if tile.inverted else 1.0 - restored

    def readings(
        self, X: Any, top_k: int | None = None, masks: Any = None
    ) -> list[list[Reading]]:
        """The most plausible readings of each tile, each with its restoration.

        Parameters
        ----------
        X : sequence of images or paths, or (n_samples, M, N[, C]) ndarray
            Character tiles.
        top_k : int, default=None
            Readings per tile; None uses the ``top_k`` parameter.
        masks : sequence of (M, N) bool arrays, default=None
            Known damage; see :meth:`predict_proba`.

        Returns
        -------
        readings : list of list of Reading
            Per tile, ``(character, probability, restored)`` tuples, most
            probable first.
        """
        top_k = check_int(self.top_k if top_k is None else top_k, "top_k", 1)
        tiles, analysis = self._analyse(X, masks)
        out = []
        for i, tile in enumerate(tiles):
            order = np.argsort(-analysis["proba"][i])[: min(top_k, len(self.classes_))]
            out.append(
                [
                    Reading(
                        self.classes_[k],
                        float(analysis["proba"][i, k]),
                        self._restore_one(tile, analysis, i, k),
                    )
                    for k in order
                ]
            )
        return out

    def restore(self, X: Any, masks: Any = None) -> list[np.ndarray]:
        """Each tile restored as its most probable character.

        Parameters
        ----------
        X : sequence of images or paths, or (n_samples, M, N[, C]) ndarray
            Character tiles.
        masks : sequence of (M, N) bool arrays, default=None
            Known damage; see :meth:`predict_proba`.

        Returns
        -------
        restored : list of (M, N) ndarray
            Grey tiles in [0, 1], each with its input's shape.
        """
        tiles, analysis = self._analyse(X, masks)
        top = analysis["proba"].argmax(axis=1)
        return [
            self._restore_one(tile, analysis, i, int(top[i]))
            for i, tile in enumerate(tiles)
        ]

    def find_damage(self, X: Any) -> list[np.ndarray]:
        """The damage found in each tile (for its most probable reading).

        Parameters
        ----------
        X : sequence of images or paths, or (n_samples, M, N[, C]) ndarray
            Character tiles.

        Returns
        -------
        masks : list of (M, N) bool ndarray
            True where a pixel is taken as damaged.
        """
        tiles, analysis = self._analyse(X, None)
        top = analysis["proba"].argmax(axis=1)
        return [
            self._reading_damage(tile, analysis, i, int(top[i]))[1]
            for i, tile in enumerate(tiles)
        ]

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        return tags
