"""Sphinx configuration of the platevision documentation."""

from __future__ import annotations

import os
from datetime import date

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
