"""General legal vocabulary, kept as data in `rag/legal.toml` and read once.

Everything here holds for any court's rulings alike (citation forms, document types,
dispositions); nothing names a particular document. Each section of the data file says
where its entries come from.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("legal.toml")


@lru_cache(maxsize=1)
def load() -> dict:
    """The data file as a dict of sections."""
    return tomllib.loads(DATA.read_text(encoding="utf-8"))


@lru_cache(maxsize=64)
def is_main_opinion(part: str | None) -> bool:
    """Whether a separately paginated part is the opinion itself ("Opinion of the Court",
    "Per Curiam"), which a slip-opinion pinpoint cites without naming it."""
    names = load().get("slip_opinion", {}).get("main_parts", [])
    return bool(part) and any(re.search(rf"\b{re.escape(n)}\b", part, re.I) for n in names)
