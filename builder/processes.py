"""Work shared among forked processes. Each process starts as a copy of this one, so the work may be a closure
over anything made so far (the site model, the pages read) without sending it to them; only each item and its
result travel. Where processes cannot be forked (not on Linux), callers do the work here. ``multiprocessing``
loads only when work is shared: a build after one edit never needs it."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def can_fork(workers: int) -> bool:
    """True when the work may go to ``workers`` forked processes."""
    import multiprocessing

    return workers > 1 and "fork" in multiprocessing.get_all_start_methods()


_WORK: Callable[[Any], Any] | None = None
"""The work of the pool a process belongs to (``forked``): set in each process as it starts, never here."""


def forked_map(work: Callable[[T], R], items: Iterable[T], workers: int, ordered: bool = True) -> Iterator[R]:
    """``work`` of each item, done by ``workers`` processes forked from this one; in the items' order, or as
    they are done when not ``ordered``. An exception in a process is raised here."""
    with forked(work, items, workers, ordered) as results:
        yield from results


@contextlib.contextmanager
def forked(work: Callable[[T], R], items: Iterable[T], workers: int, ordered: bool = True
           ) -> Iterator[Iterator[R]]:
    """``forked_map`` started at once: the processes are forked and given the items on entering the block, which
    may do other work before it takes the results; leaving the block stops the processes. Each process takes
    ``work`` as it starts (a forked process inherits it, nothing is pickled), so a process the pool starts later
    to replace one does the same work. Leaving the block normally waits for the processes to end (a block left
    before its results are all taken waits for the rest of the work); leaving it with an exception stops them."""
    import multiprocessing

    pool = multiprocessing.get_context("fork").Pool(workers, initializer=_take, initargs=(work,))
    try:
        yield (pool.imap if ordered else pool.imap_unordered)(_do, items)
    except BaseException:
        pool.terminate()  # an error, or work given up (``Interrupted``): stop the processes where they are
        raise
    pool.close()  # the work is done: the processes end as they finish, without the signals of ``terminate``
    pool.join()


def _take(work: Callable[[Any], Any]) -> None:
    global _WORK
    _WORK = work


def _do(item: Any) -> Any:
    assert _WORK is not None
    return _WORK(item)
