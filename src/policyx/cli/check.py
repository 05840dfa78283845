"""``policyx check``: (to be built)."""

from __future__ import annotations
