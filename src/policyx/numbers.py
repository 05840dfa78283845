"""Numerals: a plain number string, Arabic or Chinese, with the scale words 万/亿 folded in.

Pure functions, no rules: the numeral system is the language, not a policy choice. Percent words,
fractions and units belong to the quantity matcher (``policyx.quantities``), not here.
"""

from __future__ import annotations

import regex

_DIGITS: dict[str, int] = {ch: i for i, ch in enumerate("零一二三四五六七八九")} | {
    "〇": 0,
    "两": 2,
    "兩": 2,  # traditional script
    "○": 0,
    "Ｏ": 0,
}
_SMALL: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
# 萬 and 億 are the traditional forms (a reprint in traditional script: 17.8萬張)
_BIG: dict[str, int] = {"万": 10_000, "亿": 100_000_000, "萬": 10_000, "億": 100_000_000}
_SCALE: dict[str, int] = _SMALL | _BIG

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")
# an Arabic number (thousands commas allowed) with an optional run of scale words after it: 1.5万, 3千万, 4,840
_ARABIC = regex.compile(r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?P<scale>[十百千万亿萬億]*)")
_CHINESE = regex.compile(r"[零〇○一二三四五六七八九两兩十百千万亿萬億]+(?:[点點][零〇○一二三四五六七八九]+)?")


def _chinese_int(token: str) -> int | None:
    """``一百二十`` → 120, ``二〇二五`` → 2025 (digit by digit when no unit word is present)."""
    if not token:
        return None
    if all(ch in _DIGITS for ch in token):
        if len(token) == 1:
            return _DIGITS[token]
        if (len(token) < 3 and not any(_DIGITS[ch] == 0 for ch in token)) or "两" in token:
            return None  # 三四 is vague (three or four), not 34; a digit-by-digit numeral is a year or a code
        return int("".join(str(_DIGITS[ch]) for ch in token))
    total = 0  # everything above the last 亿
    wan = 0  # the 万 group below it
    section = 0  # the group below 万
    digit: int | None = None
    zero = False  # a 零 just before: 一千零十 reads its 十 as 一十
    last_small = 10_000  # the last small unit seen in this group: units must fall (一千二百), never rise
    for ch in token:
        if ch in _DIGITS:
            if _DIGITS[ch] == 0:
                zero = True
                continue
            if digit is not None:
                return None  # two digits in a row with no unit between (三四百 is vague, not a number)
            digit = _DIGITS[ch]
        elif ch in _SMALL:
            unit = _SMALL[ch]
            if unit >= last_small:
                return None
            # 十 alone means 一十; elsewhere a unit needs its digit
            if digit is None and not (unit == 10 and (section == 0 or zero)):
                return None
            section += (1 if digit is None else digit) * unit
            digit, last_small, zero = None, unit, False
        elif ch in ("万", "萬"):
            if section == 0 and digit is None and wan == 0 and total == 0:
                return None
            wan = (section + (digit or 0)) * 10_000 if (section or digit) else wan * 10_000 or 10_000
            section, digit, last_small, zero = 0, None, 10_000, False
        elif ch in ("亿", "億"):
            group = wan + section + (digit or 0)
            if group == 0 and total == 0:
                return None
            total = (total + group) * 100_000_000
            wan = section = 0
            digit, last_small, zero = None, 10_000, False
        else:
            return None
    return total + wan + section + (digit or 0)


def _chinese(token: str) -> float | None:
    whole, _, frac = token.replace("點", "点").partition("点")
    value = _chinese_int(whole) if whole else None
    if value is None:
        return None
    if not frac:
        return float(value)
    return float(f"{value}.{''.join(str(_DIGITS[ch]) for ch in frac)}")


def _scale(word: str) -> int | None:
    """The product of a run of scale words (``千万`` → 10^7); None for ``万千`` and other nonsense."""
    factor, prev = 1, 10**12
    for ch in word:
        unit = _SCALE[ch]
        if unit in (10, 100, 1000) and prev < 10_000:
            return None  # 百十 is not a scale
        factor *= unit
        prev = unit
    return factor


def parse_number(text: str) -> float | None:
    """The value of a plain numeral: ``2.46万`` → 24600, ``一百二十`` → 120, ``零点五`` → 0.5, ``3亿`` → 3e8.

    The whole (stripped) string must be the numeral; anything else gives None.
    """
    s = text.strip().translate(_FULLWIDTH)
    if not s:
        return None
    m = _ARABIC.fullmatch(s)
    if m:
        value = float(m.group("num").replace(",", ""))
        scale = m.group("scale")
        if not scale:
            return value
        factor = _scale(scale)
        return None if factor is None else _round(value * factor)
    if _CHINESE.fullmatch(s):
        return _chinese(s)
    return None


def chinese_integer(token: str) -> int | None:
    """The value of a whole Chinese numeral (``一百二十`` → 120, ``二〇二五`` → 2025, ``十`` → 10), or None.

    The one Chinese-numeral parser of policyx: headings (第二十六条), dates and quantities all read numerals here.
    """
    return _chinese_int(token.strip())


def _round(value: float) -> float:
    # 2.46 * 10000 is 24599.999999999996 in binary: scale words never add precision below 1e-6
    return round(value, 6)
