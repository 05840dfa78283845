"""``rules/checks.yaml``: each sanity check's id, severity, message template and thresholds."""

from __future__ import annotations

import string

import regex
from pydantic import PrivateAttr, model_validator

from policyx.checks.findings import Severity
from policyx.models import DocType
from policyx.rules import Pattern, Rule, RuleFile, check_ids_unique


class Check(Rule):
    severity: Severity
    message: str

    @model_validator(mode="after")
    def _template_parses(self) -> Check:
        # a broken template fails at load time, naming the check, not when the first finding is formatted
        try:
            list(string.Formatter().parse(self.message))
        except ValueError as exc:
            raise ValueError(f"{self.id}: bad message template: {exc}") from None
        return self


class Limited(Check):
    max_reported: int


class PercentCheck(Check):
    units: list[str]
    limit: float


class TargetYearCheck(Check):
    max_years_after: int
    max_years_before: int
    skip_doc_types: list[DocType]


class WarningCodesCheck(Check):
    codes: list[str]


class PipelineWarningsCheck(Check):
    ignore_codes: list[str]


class BracketCheck(Check):
    patterns: list[Pattern]
    context_chars: int


class DocTypeCheck(Check):
    doc_types: list[DocType]


class BoilerplateCheck(Check):
    max_share: float
    min_chars: int
    markers: list[Pattern]
    fragment_max_len: int
    sentence_punct: Pattern


class GoldenCheck(Limited):
    ignore_fields: list[str]


class CheckRules(RuleFile):
    FILE = "checks.yaml"
    extract: Check
    internal: Check
    validates: Limited
    provenance: Limited
    percent: PercentCheck
    target_year: TargetYearCheck
    heading_numbers: WarningCodesCheck
    pipeline_warnings: PipelineWarningsCheck
    unclosed_bracket: BracketCheck
    no_commitments: DocTypeCheck
    region_missing: Check
    boilerplate: BoilerplateCheck
    golden: GoldenCheck

    _brackets: list[regex.Pattern[str]] = PrivateAttr()
    _markers: regex.Pattern[str] = PrivateAttr()
    _punct: regex.Pattern[str] = PrivateAttr()

    def model_post_init(self, _ctx: object) -> None:
        check_ids_unique(self.all_checks(), self.FILE)
        self._brackets = [regex.compile(p) for p in self.unclosed_bracket.patterns]
        self._markers = regex.compile("|".join(f"(?:{p})" for p in self.boilerplate.markers) or r"(?!)")
        self._punct = regex.compile(self.boilerplate.sentence_punct)

    def all_checks(self) -> list[Check]:
        return [v for v in (getattr(self, name) for name in type(self).model_fields) if isinstance(v, Check)]
