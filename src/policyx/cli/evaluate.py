"""``policyx eval``: (to be built)."""

from __future__ import annotations
