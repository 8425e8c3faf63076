"""Python's cyclic garbage collector paused while a step builds hundreds of thousands of small
objects that hold no cycle (an import's cells and rows, the coaching rules' reasons): each one
counts towards a collection that walks every live object of the process, again and again (a
third of those steps' time at national scale, more in a server's larger heap).

One pause for the process, counted: it starts with the first step that asks and ends with the
last one running (threads of a server), and the collector is back as it was before the first.
Reference counting frees memory as usual meanwhile.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pausing = 0  # steps under way that paused the collector
_was_enabled = False


@contextmanager
def paused() -> Iterator[None]:
    """The collector paused for the block (usable as a decorator: ``@paused()``)."""
    global _pausing, _was_enabled
    with _lock:
        if _pausing == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pausing += 1
    try:
        yield
    finally:
        with _lock:
            _pausing -= 1
            if _pausing == 0 and _was_enabled:
                gc.enable()
