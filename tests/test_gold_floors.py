"""The evaluation gate: the corpus extracted now must score at least the floors in tests/gold_floors.yaml.

Floors only go up. Each figure keeps its history of floors (oldest first) and a history that goes
down fails here, so lowering a floor cannot happen silently in a diff. The corpus and the gold are
pinned by a hash: when either changes, the figures mean something else and must be re-measured.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from policyx.evaluate import Evaluation, evaluate, extract_outputs, load_gold
from policyx.evaluate.floors import load_floor_history, load_floors, lowered_floors, unmet_floors
from policyx.rules import RuleSet

from conftest import CORPUS, GOLD, SHARED

FLOORS = Path(__file__).with_name("gold_floors.yaml")
SHARED_GOLD = SHARED / "gold"


def corpus_digest() -> str:
    """sha256 over the names and bytes of corpus/*.txt and tests/gold/*.yaml, in name order."""
    h = hashlib.sha256()
    for path in [*sorted(CORPUS.glob("*.txt")), *sorted(GOLD.glob("*.yaml"))]:
        h.update(f"{path.parent.name}/{path.name}\0".encode())
        h.update(path.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def evaluation(rules: RuleSet) -> Evaluation:
    golds = load_gold(GOLD)
    paths = [str(p) for p in sorted(CORPUS.glob("*.txt"))]
    return evaluate(golds, extract_outputs(paths, set(golds), rules))


def test_every_corpus_document_has_an_output(evaluation: Evaluation) -> None:
    assert len(evaluation.docs) == 5
    assert evaluation.missing == []


def test_floors_are_met(evaluation: Evaluation) -> None:
    summary = evaluation.summary()
    assert unmet_floors(summary, load_floors(FLOORS)) == [], summary


def test_floors_only_go_up() -> None:
    assert lowered_floors(load_floor_history(FLOORS)) == []


def test_every_floor_names_a_figure(evaluation: Evaluation) -> None:
    unknown = set(load_floors(FLOORS)) - set(evaluation.summary())
    assert not unknown, f"no such figure: {sorted(unknown)}"


def test_corpus_and_gold_are_the_ones_the_floors_were_measured_on() -> None:
    pinned = yaml.safe_load(FLOORS.read_text(encoding="utf-8"))["corpus_sha256"]
    assert corpus_digest() == pinned, "corpus/ or tests/gold/ changed: re-measure the floors, then update the hash"


@pytest.mark.skipif(not SHARED_GOLD.is_dir(), reason="../shared/gold is not present on this machine")
def test_gold_copy_is_identical_to_shared_gold() -> None:
    ours = {p.name: p.read_bytes() for p in GOLD.iterdir() if p.is_file()}
    upstream = {p.name: p.read_bytes() for p in SHARED_GOLD.iterdir() if p.is_file()}
    assert sorted(ours) == sorted(upstream), "tests/gold/ and ../shared/gold/ hold different files"
    stale = [name for name in upstream if ours[name] != upstream[name]]
    assert stale == [], f"tests/gold/ is stale: copy these from ../shared/gold/: {stale}"
