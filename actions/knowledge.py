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
    means "load again"; a request never sees a half-built store. The stat is
    taken again after reading: a file replaced during the read is read again,
    never cached under the old file's stamp (that file may come back, e.g. a
    rollback by `mv` or a symlink flip, and would then be served stale).
    """
    global _cache
    path = store_path()
    try:
        for _ in range(5):
            stamp = _stamp(path)
            if _cache is not None and _cache[0] == stamp:
                return _cache[1]
            kb = KnowledgeBase.open(path)
            if _stamp(path) == stamp:
                _cache = (stamp, kb)
                return kb
        return kb  # replaced during every read: answer from the last one, cache nothing
    except FileNotFoundError:
        message = f"fact store {path} does not exist: run `python -m bot.knowledge build`"
    except OSError as err:
        message = f"fact store {path}: {err.strerror or err}"
    except StoreError as err:
        message = str(err)
    log.error("knowledge base unavailable: %s", message)
    raise StoreError(message) from None


def check_at_startup() -> None:
    """Log a clear error at start-up if the store is unusable; the server stays up."""
    try:
        kb = knowledge()
    except StoreError:
        return
    log.info("knowledge base loaded: %d sources, %d roles", len(kb.sources()), len(kb.roles()))
