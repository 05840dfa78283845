"""Deadlines (SPEC 6): by / range / period / recurring with YYYY-MM bounds, from real corpus wording."""

from __future__ import annotations

import pytest

from policyx.deadlines import extract_deadlines
from policyx.models import Document, Source
from policyx.rules import RuleSet


def _deadlines(rules: RuleSet, text: str) -> list[tuple]:
    doc = Document(doc_id="t", source=Source(path="t.txt", sha256="0", encoding="utf-8", format="text"), text=text)
    out = extract_deadlines(doc, rules).deadlines
    for d in out:
        assert text[d.span[0] : d.span[1]] == d.quote == d.text
    assert len({d.id for d in out}) == len(out)
    return [(d.text, d.kind, d.start, d.end) for d in out]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("到2025年,政府运营养老床位比例不超过40%。", [("到2025年", "by", None, "2025-12")]),  # 004
        ("到2025年底,养老服务床位总量达到1600张。", [("到2025年底", "by", None, "2025-12")]),  # 000
        ("2022年底前完成改造。", [("2022年底前", "by", None, "2022-12")]),
        (  # 002
            "(一)全面启动,制定方案阶段(2021年1月—2022年7月)",
            [("2021年1月—2022年7月", "range", "2021-01", "2022-07")],
        ),
        ("(三)阶段评估,总结推广阶段(2023年10月—2023年底)", [("2023年10月—2023年底", "range", "2023-10", "2023-12")]),
        (  # 000
            "“十四五”期间,全市养老托育服务面临的形势将更加严峻",
            [("“十四五”期间", "period", "2021-01", "2025-12")],
        ),
        ("到“十四五”末,基本建成", [("“十四五”末", "by", None, "2025-12")]),
        ("每年培养培训各类康养服务人员10000名。", [("每年", "recurring", None, None)]),  # 004
        ("截至2020年底,全市累计建成养老机构6家", []),  # a statistic's date binds nothing
        ("2021年以来,我市深入实施《“十四五”积极应对人口老龄化工程和托育建设实施方案》", []),
        ("(冀政办字〔2021〕68号)", []),
    ],
)
def test_deadlines(rules: RuleSet, text: str, expected: list[tuple]) -> None:
    assert _deadlines(rules, text) == expected
