"""The cyclic garbage collector, paused or running for a stretch of work and restored after.

The model is acyclic: collector passes over hundreds of thousands of new tuples free nothing
and cost a quarter of compile's time (`gc_paused`). Templates with macros or loops do make
cycles, so rendering wants it on even when a caller has paused it (`gc_running`)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """The collector off inside, back on after if it was on before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def gc_running() -> Iterator[None]:
    """The collector on inside, off again after if it was off before."""
    enabled = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not enabled:
            gc.disable()
