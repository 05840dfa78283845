"""Rule files load strictly: a typo names the file and the key; a bad regex is caught at load time."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from policyx.read import InputRules
from policyx.rules import Pattern, RuleError, RuleFile, RuleSet, ruleset_for


class _Demo(RuleFile):
    FILE = "demo.yaml"
    pattern: Pattern
    words: list[str] = []


def _ruleset(tmp_path: Path, text: str) -> RuleSet:
    (tmp_path / "demo.yaml").write_text(text, encoding="utf-8")
    return RuleSet(tmp_path)


def test_unknown_key_names_file_and_key(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match=r"demo\.yaml: wrods: Extra inputs are not permitted"):
        _ruleset(tmp_path, "pattern: 'a+'\nwrods: [x]\n").get(_Demo)


def test_bad_regex_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match=r"demo\.yaml: pattern: .*not a valid regular expression"):
        _ruleset(tmp_path, "pattern: '(unclosed'\n").get(_Demo)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="rule file not found"):
        RuleSet(tmp_path).get(_Demo)


def test_loaded_once_and_pickles_to_the_process_cache(rules: RuleSet) -> None:
    first = rules.get(InputRules)
    assert rules.get(InputRules) is first
    clone = pickle.loads(pickle.dumps(rules))
    assert clone is ruleset_for(str(rules.root))


def test_digest_changes_with_any_rule(tmp_path: Path) -> None:
    rs = _ruleset(tmp_path, "pattern: 'a'\n")
    before = rs.digest()
    (tmp_path / "demo.yaml").write_text("pattern: 'b'\n", encoding="utf-8")
    assert RuleSet(tmp_path).digest() != before
    assert rs.digest() == before  # a RuleSet hashes its files once
