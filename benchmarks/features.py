"""Time ``import platevision`` and the HOG/LBP transformers on 1,000 faces.

Run by hand: ``python benchmarks/features.py``. Uses the ORL faces (112x92) from
``PLATEVISION_DATA`` when present (repeated to 1,000), else random 112x92 images.
Prints the figures it measured.
"""

import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np


def time_import(module="platevision", repeats=7):
    code = (
        f"import time; t = time.perf_counter(); import {module}; "
        "print(time.perf_counter() - t)"
    )
    command = [sys.executable, "-c", code]
    times = [
        float(
            subprocess.run(command, capture_output=True, text=True, check=True).stdout
        )
        for _ in range(repeats)
    ]
    return statistics.median(times)


def faces_1000():
    from platevision.datasets import load_faces

    try:
        faces = load_faces(load_images=True)
        images = np.stack(faces.images)
        source = "ORL faces, repeated"
    except OSError:
        rng = np.random.default_rng(0)
        images = rng.integers(0, 256, (400, 112, 92), dtype=np.uint8)
        source = "random 112x92 images"
    return np.concatenate([images] * 3)[:1000], source


def best_of(func, repeats=3):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    from platevision.features import HOGTransformer, LBPTransformer

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    for module in ("platevision", "platevision.features"):
        seconds = time_import(module)
        print(f"import {module}: {1000 * seconds:.1f} ms (median of 7 runs)")
    X, source = faces_1000()
    print(f"data: {len(X)} images of shape {X.shape[1:]} ({source})")
    print(f"{'transformer':<44}{'n_jobs':>7}{'seconds':>9}{'ms/image':>10}")
    transformers = [HOGTransformer((112, 92)), HOGTransformer(), LBPTransformer()]
    for transformer in transformers:
        label = repr(transformer)
        for n_jobs in (1, 2):
            transformer.set_params(n_jobs=n_jobs)
            transformer.transform(X[:50])  # warm up (workers, imports)
            best = best_of(lambda t=transformer: t.transform(X))
            print(f"{label:<44}{n_jobs:>7}{best:>9.2f}{1000 * best / len(X):>10.2f}")


if __name__ == "__main__":
    import argparse

    # No options: --help says what the script does instead of running it.
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    main()
