"""Floors on the summary figures: the gate CI runs (``policyx eval --floors``, tests/test_gold_floors.py).

A floors file maps a summary key to the history of its floor, oldest first::

    targets_f1: [0.0, 0.42]

The last value is the floor; the history lets a test refuse a floor that goes down.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml


class FloorError(ValueError):
    """A floors file that is malformed or lowers a floor; the message is one line."""


def load_floor_history(path: Path) -> dict[str, list[float]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    floors = data.get("floors") if isinstance(data, dict) else None
    if not isinstance(floors, dict):
        raise FloorError(f"{path}: expected a 'floors:' mapping of figure → list of floors")
    history: dict[str, list[float]] = {}
    for key, values in floors.items():
        seq = values if isinstance(values, list) else [values]
        if not seq or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in seq):
            raise FloorError(f"{path}: {key}: floors are numbers")
        history[str(key)] = [float(v) for v in seq]
    return history


def lowered_floors(history: Mapping[str, list[float]]) -> list[str]:
    """Figures whose floor history ever goes down (floors only go up)."""
    return [key for key, seq in history.items() if any(b < a for a, b in pairwise(seq))]


def load_floors(path: Path) -> dict[str, float]:
    """The current floor of each figure; a history that goes down is an error."""
    history = load_floor_history(path)
    if lowered := lowered_floors(history):
        raise FloorError(f"{path}: floors only go up, but these went down: {', '.join(lowered)}")
    return {key: seq[-1] for key, seq in history.items()}


def unmet_floors(summary: Mapping[str, Any], floors: Mapping[str, float]) -> list[str]:
    """One line per floor not met; a figure with nothing to score (None) meets only a floor of 0."""
    failures = []
    for key, floor in floors.items():
        value = summary.get(key)
        if value is None and key in summary and floor <= 0:
            continue
        if not isinstance(value, int | float) or value < floor:
            failures.append(f"{key} = {value} is below its floor {floor}")
    return failures
