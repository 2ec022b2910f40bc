"""The action server's one knowledge base, loaded lazily and reloaded after a rebuild."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Tuple

from bot.knowledge import KnowledgeBase, StoreError
from bot.knowledge.paths import store_path

log = logging.getLogger(__name__)

_cache: Tuple[Tuple[str, int, int], KnowledgeBase] | None = None


def _stamp(path: Path) -> Tuple[str, int, int]:
    st = os.stat(path)
    return (str(path), st.st_ino, st.st_mtime_ns)


def knowledge() -> KnowledgeBase:
    """The current store; StoreError (already logged) if it is missing or corrupt.

    A rebuild renames a new file over the old one, so a changed inode or mtime
    means "load again"; a request never sees a half-built store.
    """
    global _cache
    path = store_path()
    try:
        stamp = _stamp(path)
        if _cache is None or _cache[0] != stamp:
            _cache = (stamp, KnowledgeBase.open(path))
        return _cache[1]
    except (OSError, StoreError) as err:
        message = str(err) if isinstance(err, StoreError) else f"fact store {path}: {err}"
        log.error("knowledge base unavailable: %s", message)
        raise StoreError(message) from None


def check_at_startup() -> None:
    """Log a clear error at start-up if the store is unusable; the server stays up."""
    try:
        kb = knowledge()
    except StoreError:
        return
    log.info("knowledge base loaded: %d sources, %d roles", len(kb.sources()), len(kb.roles()))
