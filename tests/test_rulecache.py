"""The compiled-rules cache: a new process unpickles rule files instead of compiling them, and nothing it
does can change a result. Every kind pickles; an edited rule file, a corrupt entry or an unwritable folder
falls back to compiling; the extraction is byte-identical with the cache cold, warm or off."""

from __future__ import annotations

import dataclasses
import importlib
import os
import pickle
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import regex
from pydantic import BaseModel

import policyx
from policyx.cache import sealed, unsealed
from policyx.read import InputRules
from policyx.rulecache import KEEP_PER_KIND, RULES_CACHE_ENV, CompiledRules
from policyx.rules import RuleFile, RuleSet
from policyx.sections import HeadingRules

from conftest import CORPUS, ROOT

RULES = ROOT / "rules"


def _all_kinds() -> list[type[RuleFile]]:
    for info in pkgutil.walk_packages(policyx.__path__, "policyx."):
        importlib.import_module(info.name)
    found, todo = [], list(RuleFile.__subclasses__())
    while todo:
        kind = todo.pop()
        todo.extend(kind.__subclasses__())
        if kind.__module__.startswith("policyx.") and (RULES / kind.FILE).is_file():
            found.append(kind)
    return sorted(found, key=lambda k: f"{k.__module__}.{k.__qualname__}")


def _plain(obj: Any) -> Any:
    """A comparable form of a compiled rule file: patterns as (pattern, flags), models and dataclasses opened."""
    if isinstance(obj, regex.Pattern):
        return ("regex", obj.pattern, obj.flags)
    if isinstance(obj, BaseModel):
        private = obj.__pydantic_private__ or {}
        return (type(obj).__name__, _plain(dict(obj.__dict__)), _plain(dict(private)))
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return (type(obj).__name__, _plain({f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}))
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, set | frozenset):
        return sorted((_plain(v) for v in obj), key=repr)
    slots = [name for cls in type(obj).__mro__ for name in getattr(cls, "__slots__", ())]
    if slots and not isinstance(obj, str | bytes | int | float | tuple):  # a plain object of compiled rules
        return (type(obj).__name__, {name: _plain(getattr(obj, name, None)) for name in slots})
    if hasattr(obj, "__dict__") and not isinstance(obj, type) and not callable(obj):
        return (type(obj).__name__, _plain(dict(vars(obj))))
    return obj


def _entries(cache: Path) -> list[Path]:
    return sorted((cache / "rules").glob("*.pickle"))


def _unpickled(entry: Path) -> Any:
    payload = unsealed(entry.read_bytes())
    assert payload is not None, "the entry does not match its digest"
    return pickle.loads(payload)


@pytest.mark.parametrize("kind", _all_kinds(), ids=lambda k: k.__name__)
def test_every_compiled_rule_file_pickles_whole(kind: type[RuleFile], tmp_path: Path) -> None:
    compiled = RuleSet(RULES, cache_dir=tmp_path).get(kind)
    clone = pickle.loads(pickle.dumps(compiled, protocol=pickle.HIGHEST_PROTOCOL))
    assert type(clone) is kind
    assert _plain(clone) == _plain(compiled)
    served = RuleSet(RULES, cache_dir=tmp_path).get(kind)  # from the entry the first load wrote
    assert served is not compiled and _plain(served) == _plain(compiled)


def test_a_second_ruleset_reads_the_entry_instead_of_compiling(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    first = RuleSet(RULES, cache_dir=tmp_path).get(HeadingRules)
    assert len(_entries(tmp_path)) == 1

    def no_compiling(*args: object) -> None:
        raise AssertionError("compiled although an entry was there")

    monkeypatch.setattr(RuleSet, "_parse", staticmethod(no_compiling))
    again = RuleSet(RULES, cache_dir=tmp_path).get(HeadingRules)
    assert _plain(again) == _plain(first)


def test_an_edited_rule_file_is_compiled_afresh(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    cache = tmp_path / "cache"
    limit = RuleSet(rules, cache_dir=cache).get(InputRules).max_bytes
    text = (rules / "input.yaml").read_text(encoding="utf-8")
    (rules / "input.yaml").write_text(text.replace(f"max_bytes: {limit}", "max_bytes: 1234"), encoding="utf-8")
    assert RuleSet(rules, cache_dir=cache).get(InputRules).max_bytes == 1234
    assert len(_entries(cache)) == 2  # one entry per version of the file


@pytest.mark.parametrize(
    "damage",
    [b"", b"not a pickle", pickle.dumps({"a": 1}), sealed(pickle.dumps({"a": 1})), pickle.dumps(HeadingRules)[:-3]],
    ids=["empty", "garbage", "foreign", "sealed-foreign", "truncated"],
)
def test_a_bad_entry_is_a_miss(tmp_path: Path, damage: bytes) -> None:
    expected = _plain(RuleSet(RULES, cache_dir=tmp_path).get(HeadingRules))
    (entry,) = _entries(tmp_path)
    entry.write_bytes(damage)
    assert _plain(RuleSet(RULES, cache_dir=tmp_path).get(HeadingRules)) == expected
    assert _unpickled(entry).__class__ is HeadingRules  # compiled again and written back


def test_an_unwritable_cache_folder_is_no_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder", encoding="utf-8")
    rules = RuleSet(RULES, cache_dir=blocker / "cache")  # cannot be created, even by root
    assert rules.get(InputRules).max_bytes > 0


def test_switched_off_by_the_environment(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv(RULES_CACHE_ENV, "0")
    RuleSet(RULES, cache_dir=tmp_path).get(InputRules)
    assert not (tmp_path / "rules").exists()


def test_kinds_outside_policyx_are_not_cached(tmp_path: Path) -> None:
    class Outside(InputRules):  # the same file and schema, defined outside policyx
        pass

    assert RuleSet(RULES, cache_dir=tmp_path).get(Outside).max_bytes > 0
    assert _entries(tmp_path) == []  # the code digest covers policyx's code only


def test_old_entries_of_a_kind_are_pruned(tmp_path: Path) -> None:
    store = CompiledRules(tmp_path / "rules")
    compiled = RuleSet(RULES, cache_dir=tmp_path / "unused").get(InputRules)
    for i in range(KEEP_PER_KIND + 3):
        store.store(InputRules, f"{i:064x}", compiled)
        os.utime(store._path(InputRules, f"{i:064x}"), (i, i))  # distinct ages, whatever the clock's resolution
    store.store(InputRules, "f" * 64, compiled)
    kept = _entries(tmp_path)
    assert len(kept) == KEEP_PER_KIND and store._path(InputRules, "f" * 64) in kept


def test_a_pickled_ruleset_keeps_its_cache_folder(tmp_path: Path) -> None:
    rules = RuleSet(RULES, cache_dir=tmp_path)
    clone = pickle.loads(pickle.dumps(rules))
    assert clone.root == rules.root and clone.cache_dir == tmp_path


def _extract_cli(out: Path, env: dict[str, str]) -> dict[str, bytes]:
    policyx_bin = Path(sys.executable).with_name("policyx")
    args = [str(policyx_bin), "extract", str(CORPUS), "-o", str(out), "-q", "--no-cache", "--jobs", "2"]
    subprocess.run(args, check=True, env={**os.environ, **env}, cwd=ROOT)
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.json")) if p.name != "manifest.json"}


def test_cli_output_is_byte_identical_with_the_cache_cold_warm_or_off(tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    off = _extract_cli(tmp_path / "off", {RULES_CACHE_ENV: "0", "POLICYX_CACHE_DIR": cache})
    cold = _extract_cli(tmp_path / "cold", {"POLICYX_CACHE_DIR": cache})
    assert _entries(tmp_path / "cache")  # the cold run (--no-cache: documents only) filled the rules cache
    warm = _extract_cli(tmp_path / "warm", {"POLICYX_CACHE_DIR": cache})
    assert len(off) == 5 and cold == off and warm == off


# -- trust: a pickle runs code when loaded, so only entries no other user could have written are loaded ---------


class _Planted:
    """What another local user would plant: unpickling it makes a folder (it could as well run a shell)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.mkdir, (str(self.marker),))


def _plant(cache: Path, marker: Path) -> Path:
    """A well-formed entry (right name, right digest) for HeadingRules that runs code when unpickled."""
    store = CompiledRules(cache / "rules")
    key = store.key(HeadingRules, (RULES / HeadingRules.FILE).read_bytes())
    entry = store._path(HeadingRules, key)
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_bytes(sealed(pickle.dumps(_Planted(marker))))
    return entry


def _as_another_user(monkeypatch, path: Path) -> None:  # type: ignore[no-untyped-def]
    """Make ``path`` another user's: chown when root (root may), else pretend this process is another user."""
    if os.geteuid() == 0:
        os.chown(path, 65534, 65534)
    else:  # an unprivileged test cannot give a file away: the check compares owners, so move the other end
        real = os.geteuid()
        monkeypatch.setattr(os, "geteuid", lambda: real + 1)


def test_a_sealed_planted_entry_in_our_own_folder_would_run(tmp_path: Path) -> None:
    """The control for the tests below: the planted entry is well formed, and the owner check is what stops it."""
    marker = tmp_path / "ran"
    cache = tmp_path / "cache"
    _plant(cache, marker)
    (cache / "rules").chmod(0o700)
    RuleSet(RULES, cache_dir=cache).get(HeadingRules)  # our own entry, our own private folder: it is trusted
    assert marker.exists()


def test_a_pickle_planted_in_another_users_folder_never_runs(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    marker = tmp_path / "ran"
    cache = tmp_path / "cache"
    entry = _plant(cache, marker)
    _as_another_user(monkeypatch, cache / "rules")
    if os.geteuid() == 0:
        os.chown(entry, 65534, 65534)
    expected = _plain(RuleSet(RULES, cache_dir=tmp_path / "clean").get(HeadingRules))
    assert _plain(RuleSet(RULES, cache_dir=cache).get(HeadingRules)) == expected
    assert not marker.exists()
    assert _entries(cache) == [entry]  # and nothing of ours was written into that folder


def test_a_pickle_another_user_owns_in_our_folder_never_runs(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("giving a file to another user needs root (the folder case is tested without it)")
    marker = tmp_path / "ran"
    cache = tmp_path / "cache"
    entry = _plant(cache, marker)
    os.chown(entry, 65534, 65534)
    RuleSet(RULES, cache_dir=cache).get(HeadingRules)
    assert not marker.exists()


@pytest.mark.parametrize("loose", ["entry", "folder"])
def test_a_pickle_others_could_write_never_runs(tmp_path: Path, loose: str) -> None:
    marker = tmp_path / "ran"
    cache = tmp_path / "cache"
    entry = _plant(cache, marker)
    (entry if loose == "entry" else cache / "rules").chmod(0o777 if loose == "folder" else 0o666)
    if loose == "folder":  # while the folder was open to all, anyone could have put this entry there
        RuleSet(RULES, cache_dir=cache).get(InputRules)
        assert (cache / "rules").stat().st_mode & 0o777 == 0o700  # our folder, tightened on first use
        entry.chmod(0o666)
    RuleSet(RULES, cache_dir=cache).get(HeadingRules)
    assert not marker.exists()


def test_single_byte_flips_of_an_entry_are_misses_never_crashes(tmp_path: Path) -> None:
    expected = _plain(RuleSet(RULES, cache_dir=tmp_path).get(HeadingRules))
    (entry,) = _entries(tmp_path)
    good = entry.read_bytes()
    step = max(1, len(good) // 80)
    for at in range(0, len(good), step):
        entry.write_bytes(good[:at] + bytes([good[at] ^ 0xFF]) + good[at + 1 :])
        assert _plain(RuleSet(RULES, cache_dir=tmp_path).get(HeadingRules)) == expected, at
        assert entry.read_bytes() == good  # dropped and written again
