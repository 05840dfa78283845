"""``policyx refs``: (to be built)."""

from __future__ import annotations
