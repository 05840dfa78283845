"""Traditional script: a simplified view of a text, character for character (SPEC 10).

Rules are written in simplified characters. A page in traditional script (`養老服務床位總量達到1600張`)
is matched through its simplified view, which has exactly the text's length, so every offset found in
the view is an offset into the text as written. The table is OpenCC's (``rules/script.yaml``).
"""

from __future__ import annotations

from pydantic import PrivateAttr

from policyx.rules import RuleFile


class ScriptRules(RuleFile):
    FILE = "script.yaml"
    source: str
    traditional: str
    simplified: str

    _table: dict[int, int] = PrivateAttr()
    _chars: frozenset[str] = PrivateAttr()

    def model_post_init(self, _ctx: object) -> None:
        trad = "".join(self.traditional.split())  # the YAML folds long lines with spaces
        simp = "".join(self.simplified.split())
        if len(trad) != len(simp):
            raise ValueError(f"traditional has {len(trad)} characters, simplified {len(simp)}: they must pair up")
        self._table = str.maketrans(trad, simp)
        self._chars = frozenset(trad)

    def simplify(self, text: str) -> str:
        """The simplified view: same length, same offsets, every traditional character replaced."""
        return text.translate(self._table)

    def is_traditional(self, text: str) -> bool:
        """Whether any character of ``text`` has a simplified form (then its view differs from it)."""
        return not self._chars.isdisjoint(text)
