"""Rule files load strictly: a typo names the file and the key; a bad regex is caught at load time."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from policyx.read import InputRules
from policyx.rules import Pattern, RuleError, RuleFile, RuleSet, ruleset_for

ROOT = Path(__file__).resolve().parents[1]


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


@pytest.mark.parametrize("command", ["extract", "check"])
def test_a_broken_rule_file_stops_a_batch_once(tmp_path: Path, command: str) -> None:
    # rule files load on first use, inside the batch: the typo must be one line and exit 2, not an error per file
    rules_dir = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules_dir)
    dep = rules_dir / "departments.yaml"
    dep.write_text(dep.read_text(encoding="utf-8") + "\nnot_a_key: 1\n", encoding="utf-8")
    corpus = ROOT / "corpus"
    args = [str(corpus), "--rules", str(rules_dir)]
    args += ["-o", str(tmp_path / "out"), "--no-cache", "-j", "2"] if command == "extract" else []
    proc = subprocess.run(
        [sys.executable, "-c", "from policyx.cli import main; main()", command, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "POLICYX_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert proc.returncode == 2, proc.stderr
    errors = [ln for ln in proc.stderr.splitlines() if "departments.yaml" in ln]
    assert len(errors) == 1 and "not_a_key" in errors[0]
    assert "Traceback" not in proc.stderr


def test_the_default_folder_by_name_is_the_same_ruleset() -> None:
    # a RuleSet pickled in the parent unpickles by its path: that must not compile a second copy of the default
    from policyx.rules import default_rules_dir

    assert ruleset_for() is ruleset_for(str(default_rules_dir()))
    assert pickle.loads(pickle.dumps(ruleset_for())) is ruleset_for()


def _declared_ids() -> set[str]:
    import regex

    text = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "rules").glob("*.yaml")))
    return set(regex.findall(r"\bid:\s*['\"]?([\w.\-]+)", text))


def _record_rule_parts(doc: object) -> set[str]:
    parts: set[str] = set()
    for value in vars(doc).values():
        if isinstance(value, list):
            for rec in value:
                rule = getattr(rec, "rule", None)
                if isinstance(rule, str):
                    parts.update(rule.split("/"))
    return parts


def test_every_record_names_a_rule_declared_in_rules(rules: RuleSet) -> None:
    # provenance: each part of a record's `rule` (decision/unit/echo…) is an id a user can find in rules/*.yaml
    from policyx.pipeline import extract_document

    declared = _declared_ids()
    used: set[str] = set()
    for path in sorted((ROOT / "corpus").iterdir()):
        used |= _record_rule_parts(extract_document(path, rules=rules))
    assert len(used) > 20  # the corpus exercises many rules: the check is not vacuous
    assert sorted(used - declared) == []


def test_every_decision_the_targets_stage_can_take_is_declared(rules: RuleSet) -> None:
    from policyx.periods import PeriodRules

    declared = _declared_ids()
    kinds = {e.kind for e in rules.get(PeriodRules).expressions}
    # no target without evidence (SPEC 4): a due year, a commitment cue, a comparator, a goals section; or a drop
    due = {f"target.{k}" for k in kinds if k != "as_of"} | {"target.cue", "drop.no_evidence"}
    past = {f"statistic.{k}" for k in kinds if k != "recurring"} | {"statistic.cue", "statistic.account"}
    assert sorted((due | past) - declared) == []
