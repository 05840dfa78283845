"""The gate on documents nobody tuned the rules to: ../shared/dev and ../shared/canary, scored now.

Floors in tests/shared_floors.yaml only go up; the canary's false targets per 10,000 characters only go down.
The project's scorer must agree with the independent one (../shared/tools/score_gold.py) on these sets too.
Skips when ../shared is absent (a fresh machine).
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from policyx.evaluate import evaluate, load_gold
from policyx.pipeline import extract_document
from policyx.read import InputError

from conftest import ROOT, SHARED

FLOORS = Path(__file__).with_name("shared_floors.yaml")
SCORER = SHARED / "tools" / "score_gold.py"
SETS = ("dev", "canary")


def _floors() -> dict[str, Any]:
    return yaml.safe_load(FLOORS.read_text(encoding="utf-8"))


@cache
def _extracted(name: str, out: Path) -> dict[str, dict[str, Any]]:
    """Every raw document of the set extracted into ``out`` as ``<stem>.json`` (what ``extract -o`` writes)."""
    raw = SHARED / name / "raw"
    if not raw.is_dir():
        pytest.skip(f"../shared/{name} is not present on this machine")
    out.mkdir(parents=True, exist_ok=True)
    docs: dict[str, dict[str, Any]] = {}
    for path in sorted(raw.iterdir()):
        try:
            doc = extract_document(path).model_dump(mode="json")
        except InputError:
            continue  # a refused document has no output: the scorers count its gold as missed
        docs[path.stem] = doc
        (out / f"{path.stem}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return docs


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("shared_sets")
    return {name: base / name for name in SETS}


def _reference(name: str, out: Path) -> dict[str, Any]:
    gold = SHARED / name / "gold"
    run = subprocess.run([sys.executable, str(SCORER), str(gold), str(out), "--json"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.parametrize("name", SETS)
def test_floors_are_met(name: str, outputs: dict[str, Path]) -> None:
    docs = _extracted(name, outputs[name])
    summary = evaluate(load_gold(SHARED / name / "gold"), docs).summary()
    unmet = {k: (summary.get(k), hist[-1]) for k, hist in _floors()[name].items() if (summary.get(k) or 0) < hist[-1]}
    assert not unmet, f"figure: (now, floor) {unmet}"


def test_canary_false_targets_per_10k_characters(outputs: dict[str, Path]) -> None:
    docs = _extracted("canary", outputs["canary"])
    ev = evaluate(load_gold(SHARED / "canary" / "gold"), docs)
    false = sum(s.targets.fp for s in ev.docs.values() if s is not None)
    chars = sum(len(d["text"]) for d in docs.values())
    rate = 10_000 * false / chars
    assert rate <= _floors()["max_false_targets_per_10k"]["canary"][-1], f"{false} false targets in {chars} chars"


def test_floors_only_go_up_and_ceilings_only_down() -> None:
    data = _floors()
    for name in SETS:
        for figure, hist in data[name].items():
            assert hist == sorted(hist), f"{name}.{figure} went down: {hist}"
    for name, hist in data["max_false_targets_per_10k"].items():
        assert hist == sorted(hist, reverse=True), f"the {name} ceiling went up: {hist}"


@pytest.mark.skipif(not SCORER.is_file(), reason="../shared/tools/score_gold.py is not present")
@pytest.mark.parametrize("name", SETS)
def test_agrees_with_reference_scorer(name: str, outputs: dict[str, Path]) -> None:
    docs = _extracted(name, outputs[name])
    ours = evaluate(load_gold(SHARED / name / "gold"), docs).summary()
    theirs = _reference(name, outputs[name])["summary"]
    assert ours == theirs


def test_the_floors_file_is_in_the_project() -> None:
    assert FLOORS.parent == ROOT / "tests"
