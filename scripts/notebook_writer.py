"""Shared by the notebook generators: writes (kind, text) cells as a tslab notebook in notebooks/.

The generators keep each notebook's text reviewable as code; the .ipynb files are their output.
"""
import json
from pathlib import Path


def write_notebook(filename, cells):
    notebook = {
        "cells": [
            {"cell_type": kind, "metadata": {}, "source": text.splitlines(keepends=True),
             **({"outputs": [], "execution_count": None} if kind == "code" else {})}
            for kind, text in cells
        ],
        "metadata": {
            "kernelspec": {"display_name": "TypeScript", "language": "typescript", "name": "tslab"},
            "language_info": {"name": "typescript", "file_extension": ".ts", "mimetype": "text/typescript"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    out = Path(__file__).resolve().parent.parent / "notebooks" / filename
    out.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {out}")
