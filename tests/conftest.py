"""Shared fixtures: the project's corpus and gold copies, and ../shared when it is present."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from policyx.rules import RuleSet, ruleset_for

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
GOLD = ROOT / "tests" / "gold"
SHARED = ROOT.parent / "shared"
SHARED_HTML = SHARED / "html"


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read or fill the user's extraction cache."""
    os.environ["POLICYX_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return ruleset_for(str(ROOT / "rules"))


@pytest.fixture(scope="session")
def shared_html() -> Path:
    if not SHARED_HTML.is_dir():
        pytest.skip("../shared/html is not present on this machine")
    return SHARED_HTML
