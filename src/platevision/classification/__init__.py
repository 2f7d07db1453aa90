"""Classifiers of faces and cars from photos."""

from platevision.classification._car_forest import CarForestClassifier
from platevision.classification._face_knn import FaceKNNClassifier, detect_faces

__all__ = ["CarForestClassifier", "FaceKNNClassifier", "detect_faces"]
