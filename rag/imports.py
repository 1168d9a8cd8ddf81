"""Two third-party packages imported without work that answering a question never uses.

A cold `rag ask` imports both before its first answer (evals/bench.py measures it), and each
spends a large part of its import on something this product does not need:

- chromadb decorates about 160 of its methods with `overrides.override`, which checks each one
  against its base classes by disassembling the calling frame's bytecode: about 0.4 s of every
  process that opens an index. While chromadb is imported, the decorator only marks the method as
  an override (all that chromadb's `EnforceOverrides` classes look for); the checks are of
  chromadb's own code, which its own tests make.
- bm25s imports scipy.sparse (0.2 s) for an optional way of building its matrix; its default
  builder, the one used here, is numpy's. So scipy.sparse is hidden while bm25s is imported,
  unless something has loaded it already (then bm25s gets it as usual).

Either way the package behaves as it would otherwise; only the import is cheaper.
"""

from __future__ import annotations

import sys
from types import ModuleType


def chromadb() -> ModuleType:
    """The chromadb package, imported (once) without `overrides`' import-time checks."""
    if "chromadb" in sys.modules:
        return sys.modules["chromadb"]
    import overrides

    saved = overrides.override, overrides.overrides
    overrides.override = overrides.overrides = _marked
    try:
        import chromadb
    finally:
        overrides.override, overrides.overrides = saved
    return chromadb


def _marked(method=None, **_checks):
    """`overrides.override` without its checks: marks the method, as `EnforceOverrides` expects."""

    def mark(function):
        function.__override__ = True
        return function

    return mark if method is None else mark(method)


def bm25s() -> ModuleType:
    """The bm25s package, imported (once) without scipy.sparse if no one has loaded it yet."""
    if "bm25s" in sys.modules:
        return sys.modules["bm25s"]
    hidden = "scipy.sparse" not in sys.modules
    if hidden:
        sys.modules["scipy.sparse"] = None  # an import of it now raises ImportError
    try:
        import bm25s
    finally:
        if hidden and sys.modules.get("scipy.sparse", 0) is None:
            del sys.modules["scipy.sparse"]
    return bm25s
