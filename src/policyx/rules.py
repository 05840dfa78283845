"""Rule files: load ``rules/*.yaml`` once, validate them strictly, compile them once.

Each stage declares the shape of its rule file as a ``RuleFile`` subclass (``FILE`` names the
YAML file). ``RuleSet.get(Kind)`` loads, validates and compiles that file on first use and keeps
the result for the life of the RuleSet, so a process pays for each file once. A RuleSet pickles
as its folder, so a worker process builds its own copy once and reuses it. Across processes the
compiled files are kept in a persistent cache (``policyx.rulecache``), so a new process unpickles
them instead of compiling.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

from policyx.rulecache import CompiledRules

RULES_ENV = "POLICYX_RULES"


class RuleError(ValueError):
    """A rule file is missing, is not YAML, or does not fit its schema."""


def _compiles(pattern: str) -> str:
    import regex  # here, not at import: a process whose rule files are all cached never compiles a pattern

    try:
        regex.compile(pattern)
    except regex.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from None
    return pattern


#: a string that must compile as a ``regex`` pattern (checked at load time)
Pattern = Annotated[str, AfterValidator(_compiles)]


class RuleModel(BaseModel):
    """Base of every model read from a rule file: unknown keys are an error, values are frozen.

    The validator is built on first validation, not at import: a process that finds its rules in
    the compiled-rules cache never validates, so it never pays for building them.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)  # refuses fields (frozen); keeps private ones (compiled patterns)
        if name in self.__private_attributes__:
            # and as a plain instance attribute too: stages read compiled patterns per match, and pydantic
            # resolves a private attribute in ~2 µs, the instance dict in ~0.1 µs
            self.__dict__[name] = value


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

    def __init__(self, root: str | os.PathLike[str], *, cache_dir: str | os.PathLike[str] | None = None) -> None:
        """``cache_dir``: the policyx cache folder whose ``rules/`` keeps compiled rule files (None: the default)."""
        self.root = Path(root)
        self.cache_dir = None if cache_dir is None else Path(cache_dir)
        self._loaded: dict[type[RuleFile], RuleFile] = {}
        self._digest: str | None = None
        self._compiled: CompiledRules | bool | None = False  # False: not looked up yet

    def __reduce__(self) -> tuple[Any, ...]:
        # unpickles to the receiving process's cached RuleSet for the folder: compiled once per process
        if self.cache_dir is None:
            return (ruleset_for, (str(self.root),))
        return (ruleset_for, (str(self.root), str(self.cache_dir)))

    def __repr__(self) -> str:
        return f"RuleSet({str(self.root)!r})"

    def get(self, kind: type[R]) -> R:
        found = self._loaded.get(kind)
        if found is None:
            found = self._loaded[kind] = self._load(kind)
        return found  # type: ignore[return-value]

    def _compiled_rules(self) -> CompiledRules | None:
        if self._compiled is False:
            self._compiled = CompiledRules.for_cache_dir(self.cache_dir)
        return self._compiled  # type: ignore[return-value]

    def _load(self, kind: type[R]) -> R:
        path = self.root / kind.FILE
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise RuleError(f"{path}: rule file not found") from None
        store = self._compiled_rules() if CompiledRules.cacheable(kind) else None
        if store is None:
            return self._parse(kind, path, raw)
        key = store.key(kind, raw)
        found = store.load(kind, key)
        if found is None:
            found = self._parse(kind, path, raw)
            store.store(kind, key, found)
        return found  # type: ignore[no-any-return]

    @staticmethod
    def _parse(kind: type[R], path: Path, raw: bytes) -> R:
        """Parse, validate and compile one rule file (what the compiled-rules cache saves)."""
        import yaml  # here, not at import: a process that finds every rule file compiled never parses YAML

        # libyaml's loader parses the rule files ~10x faster than the pure-Python one (cold start budget)
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")  # as read_text() reads it
        try:
            data = yaml.load(text, Loader=loader)
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


def ruleset_for(root: str | None = None, cache_dir: str | None = None) -> RuleSet:
    """One RuleSet per folder (and cache folder) and process (the cache is what makes rules load once).

    The folder is resolved first, so the default and the default named by its path are one RuleSet.
    """
    return _ruleset_for(str(Path(root or default_rules_dir()).resolve()), cache_dir)


@lru_cache(maxsize=8)
def _ruleset_for(root: str, cache_dir: str | None) -> RuleSet:
    return RuleSet(root, cache_dir=cache_dir)


def check_ids_unique(rules: list[Rule], where: str) -> None:
    seen: set[str] = set()
    for r in rules:
        if r.id in seen:
            raise ValueError(f"duplicate rule id {r.id!r} in {where}")
        seen.add(r.id)
