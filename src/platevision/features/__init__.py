"""Image feature transformers: HOG, LBP, colour, Fisher vectors, and a resizer."""

from platevision.features._color import ColorHistogramTransformer
from platevision.features._fisher import FisherVectorTransformer
from platevision.features._hog import HOGTransformer
from platevision.features._lbp import LBPTransformer
from platevision.features._resize import ImageResizer

__all__ = [
    "ColorHistogramTransformer",
    "FisherVectorTransformer",
    "HOGTransformer",
    "ImageResizer",
    "LBPTransformer",
]
