"""Rule files: load ``rules/*.yaml`` once, validate them strictly, compile them once.

Each stage declares the shape of its rule file as a ``RuleFile`` subclass (``FILE`` names the
YAML file). ``RuleSet.get(Kind)`` loads, validates and compiles that file on first use and keeps
the result for the life of the RuleSet, so a process pays for each file once. A RuleSet pickles
as its folder, so a worker process builds its own copy once and reuses it.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, ClassVar, TypeVar

import regex
import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

RULES_ENV = "POLICYX_RULES"
# libyaml's loader parses the rule files ~10x faster than the pure-Python one (cold start budget)
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RuleError(ValueError):
    """A rule file is missing, is not YAML, or does not fit its schema."""


def _compiles(pattern: str) -> str:
    try:
        regex.compile(pattern)
    except regex.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from None
    return pattern


#: a string that must compile as a ``regex`` pattern (checked at load time)
Pattern = Annotated[str, AfterValidator(_compiles)]


class RuleModel(BaseModel):
    """Base of every model read from a rule file: unknown keys are an error, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Rule(RuleModel):
    """One rule with a stable id; records name it in their ``rule`` field."""

    id: str
    description: str = ""


class RuleFile(RuleModel):
    """One YAML file in ``rules/``. Subclasses compile what they need in ``model_post_init``."""

    FILE: ClassVar[str]


R = TypeVar("R", bound=RuleFile)


def _error_line(path: Path, exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(x) for x in err["loc"]) or "(top level)"
        parts.append(f"{loc}: {err['msg']}")
    return f"{path}: " + "; ".join(parts)


class RuleSet:
    """The rule files of one folder, each loaded and compiled on first use."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self._loaded: dict[type[RuleFile], RuleFile] = {}
        self._digest: str | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        # unpickles to the receiving process's cached RuleSet for the folder: compiled once per process
        return (ruleset_for, (str(self.root),))

    def __repr__(self) -> str:
        return f"RuleSet({str(self.root)!r})"

    def get(self, kind: type[R]) -> R:
        found = self._loaded.get(kind)
        if found is None:
            found = self._loaded[kind] = self._load(kind)
        return found  # type: ignore[return-value]

    def _load(self, kind: type[R]) -> R:
        path = self.root / kind.FILE
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
        except FileNotFoundError:
            raise RuleError(f"{path}: rule file not found") from None
        except yaml.YAMLError as exc:
            raise RuleError(f"{path}: not valid YAML: {exc}") from None
        try:
            return kind.model_validate(data or {})
        except ValidationError as exc:
            raise RuleError(_error_line(path, exc)) from None

    def digest(self) -> str:
        """sha256 over every rule file's name and bytes: changes when any rule changes."""
        if self._digest is None:
            self._digest = self._compute_digest()
        return self._digest

    def _compute_digest(self) -> str:
        h = hashlib.sha256()
        for path in sorted(self.root.glob("*.yaml")):
            h.update(path.name.encode())
            h.update(path.read_bytes())
        return h.hexdigest()


def default_rules_dir() -> Path:
    """``$POLICYX_RULES``, else the ``rules/`` shipped in the wheel, else the checkout's ``rules/``."""
    env = os.environ.get(RULES_ENV)
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    for candidate in (here / "_rules", here.parents[1] / "rules"):
        if candidate.is_dir():
            return candidate
    raise RuleError(f"no rules folder found: set {RULES_ENV}")


@lru_cache(maxsize=8)
def ruleset_for(root: str | None = None) -> RuleSet:
    """One RuleSet per folder and process (the cache is what makes rules load once)."""
    return RuleSet(root or default_rules_dir())


def check_ids_unique(rules: list[Rule], where: str) -> None:
    seen: set[str] = set()
    for r in rules:
        if r.id in seen:
            raise ValueError(f"duplicate rule id {r.id!r} in {where}")
        seen.add(r.id)
