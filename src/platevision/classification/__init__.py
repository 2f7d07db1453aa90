"""Face recognition by nearest neighbours, with rejection of unknown people."""

from platevision.classification._face_knn import FaceKNNClassifier, detect_faces

__all__ = ["FaceKNNClassifier", "detect_faces"]
