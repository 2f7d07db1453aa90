"""Sphinx configuration of the platevision documentation."""

from __future__ import annotations

import ast
import os
from datetime import date
from pathlib import Path

import platevision

project = "platevision"
author = "The platevision developers"
copyright = f"{date.today().year}, {author}"  # noqa: A001
version = release = platevision.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# The docs build offline: no intersphinx inventories are fetched.
intersphinx_mapping: dict[str, tuple[str, str | None]] = {}

os.environ.setdefault("MPLBACKEND", "Agg")
sphinx_gallery_conf = {
    "examples_dirs": ["../examples"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"/plot_",
    "doc_module": ("platevision",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"platevision": None},
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
}

templates_path = ["_templates"]
exclude_patterns = ["_build", "generated/backreferences/*.examples"]
html_theme = "pydata_sphinx_theme"
html_title = "platevision"
html_static_path: list[str] = []
html_theme_options = {"navigation_with_keys": False, "show_prev_next": False}


# -- Benchmark results ---------------------------------------------------------
# benchmarks/results/<name>.txt is the saved output of benchmarks/<name>.py. Each
# file becomes a section of benchmarks.rst (through generated/benchmarks.inc), so
# a new results file appears on the page without editing it. A results file must
# say when and where it was measured: lines starting "date:" and "machine:".
DOCS = Path(__file__).resolve().parent
BENCHMARKS = DOCS.parent / "benchmarks"


def _benchmark_sections() -> str:
    lines = []
    for result in sorted((BENCHMARKS / "results").glob("*.txt")):
        text = result.read_text(encoding="utf-8").splitlines()
        fields = dict(
            line.split(":", 1)
            for line in text[:20]
            if line.startswith(("date:", "machine:"))
        )
        if set(fields) != {"date", "machine"}:
            msg = (
                f"{result} must have a 'date:' and a 'machine:' line in its first 20 "
                "lines (when and where the figures were measured)."
            )
            raise ValueError(msg)
        title = text[0].strip()
        relative = result.relative_to(DOCS.parent).as_posix()
        lines += [
            title,
            "-" * len(title),
            "",
            f"Measured on {fields['date'].strip()}, on {fields['machine'].strip()}. "
            f"Saved output: ``{relative}``.",
            "",
            f".. literalinclude:: ../{relative}",
            "   :language: text",
            "",
        ]
    return "\n".join(lines)


def _benchmark_scripts() -> str:
    # Every benchmark script, what it measures, and whether its output is saved.
    rows = []
    for script in sorted(BENCHMARKS.glob("*.py")):
        if script.name.startswith("make_"):  # maintenance scripts, not benchmarks
            continue
        doc = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8"))) or ""
        summary = doc.strip().splitlines()[0] if doc.strip() else ""
        saved = BENCHMARKS / "results" / f"{script.stem}.txt"
        status = f"``results/{saved.name}``" if saved.is_file() else "not saved yet"
        rows += [f"   * - ``{script.name}``", f"     - {summary}", f"     - {status}"]
    header = [
        ".. list-table::",
        "   :header-rows: 1",
        "   :widths: 20 60 20",
        "",
        "   * - script",
        "     - what it measures",
        "     - saved output",
    ]
    return "\n".join([*header, *rows, ""])


def _write_if_changed(path: Path, text: str) -> None:
    # Rewriting an unchanged file would make Sphinx rebuild the page every time.
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


_write_if_changed(DOCS / "generated" / "benchmark_scripts.inc", _benchmark_scripts())
_write_if_changed(DOCS / "generated" / "benchmark_results.inc", _benchmark_sections())
