"""End to end: ``policyx diff corpus/`` extracts the five raw documents and lines up what they share."""

from __future__ import annotations

from functools import cache

import pytest
from typer.testing import CliRunner

from policyx.cli import app
from policyx.diff.model import DiffTable, Row

from conftest import CORPUS


@cache
def corpus_table() -> DiffTable:
    result = CliRunner().invoke(app, ["diff", str(CORPUS), "--format", "json", "--min-cities", "2"])
    assert result.exit_code == 0, result.output
    return DiffTable.model_validate_json(result.stdout)


def _row(key: str) -> Row:
    rows = [r for r in corpus_table().rows if r.indicator_key == key]
    assert len(rows) == 1, key
    return rows[0]


def test_columns_are_the_regions() -> None:
    assert [c.label for c in corpus_table().columns] == ["泊头市", "扬州市", "郑州市", "平顶山市", "贵州省"]


@pytest.mark.parametrize(
    ("key", "cities"),
    [
        ("welfare_lottery_elderly_share", {"泊头市", "扬州市", "郑州市", "贵州省"}),
        ("nursing_bed_share", {"泊头市", "扬州市", "郑州市"}),
        ("childcare_places_per_1000", {"泊头市", "扬州市"}),
    ],
)
def test_shared_indicators_line_up(key: str, cities: set[str]) -> None:
    row = _row(key)
    assert {label for label, entries in row.cells.items() if entries} >= cities


def test_no_aligned_row_pairs_two_keys() -> None:
    for row in corpus_table().rows:
        keys = {e.indicator_key for entries in row.cells.values() for e in entries} - {None}
        assert len(keys) <= 1, (row.indicator, keys)
