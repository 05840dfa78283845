"""Scoring an extraction against gold annotations (``policyx eval``).

The semantics follow the gold format (``tests/gold/README.md``): text compared after NFKC folding
and white-space removal; targets paired one-to-one by best quote overlap among equal value and
unit; sections by path and title prefix; responsibilities by quote overlap and unit agreement.

    from policyx.evaluate import evaluate, load_gold, load_outputs
    ev = evaluate(load_gold(Path("tests/gold")), load_outputs(Path("out")))
    ev.summary()["targets_f1"]
"""

from __future__ import annotations

from policyx.evaluate.floors import FloorError, load_floors, unmet_floors
from policyx.evaluate.load import GoldError, extract_outputs, load_gold, load_outputs
from policyx.evaluate.score import Counts, DocScore, Evaluation, Ratio, evaluate, score_document

__all__ = [
    "Counts",
    "DocScore",
    "Evaluation",
    "FloorError",
    "GoldError",
    "Ratio",
    "evaluate",
    "extract_outputs",
    "load_floors",
    "load_gold",
    "load_outputs",
    "score_document",
    "unmet_floors",
]
