"""Work spread over the machine's cores: the worker processes of `perfdsl build` and `perfdsl check`.

`ordered_map` runs a function over items in worker processes and yields the results in the items' order.
The workers live no longer than the command that started them and leave stopping to it: Ctrl-C and SIGTERM
(`timeout`, a cancelled CI job) reach a whole process group, so a worker ignores Ctrl-C and leaves the
parent's group; the parent drops the items not begun and waits for the few the workers hold (a worker
killed while it sends a result back would leave half a message in the pool's pipe, which the parent would
wait on for ever). SIGTERM sent to a worker itself (the pool does so when another worker died) still ends it.
A parent killed outright can stop nobody: on Linux the kernel then kills the worker; elsewhere the worker
sees it before its next item. Either way no worker keeps the command's standard output open, which a CI
step reading it would wait on for ever.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from typing import Any, Callable, Generator, Iterable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

class WorkerDied(Exception):
    """A worker process ended before its work was done (killed, out of memory): its results are lost."""


PR_SET_PDEATHSIG = 1
"""Linux prctl(2): the signal the kernel sends a process when the thread that started it ends."""


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block is done (POSIX), then take effect."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def ordered_map(fn: Callable[[T], R], items: Sequence[T], workers: int, here: Callable[[T], R] | None = None,
                setup: Callable[..., None] | None = None,
                setup_args: tuple[Any, ...] = ()) -> Generator[R, None, None]:
    """`map(fn, items)` over `workers` processes (`fn` and `setup` module-level functions, so that they reach
    a worker); `setup(*setup_args)` runs once in each worker. Given `here` (what `fn` does in a worker, as
    this process does it), the first item runs here before the workers are forked, so that what it loads
    (templates, frameworks) is loaded once, and with one worker or one item every item does."""
    if here is not None and (workers <= 1 or len(items) <= 1):
        yield from map(here, items)
        return
    if here is not None:
        yield here(items[0])
        items = items[1:]
    from concurrent.futures import ProcessPoolExecutor, wait  # only when there is work to spread
    from concurrent.futures.process import BrokenProcessPool

    parent = os.getpid()
    pool = ProcessPoolExecutor(max_workers=min(workers, len(items)), initializer=_worker_start,
                               initargs=(parent, setup, setup_args))
    try:
        # The workers are forked while the tasks are handed out. A signal handled during a fork would raise
        # where Python drops exceptions (its at-fork callbacks) and be lost, or hit a worker before it has
        # set its own handlers: signals wait until the workers are made, and the workers inherit that.
        with signals_held():
            # a few items per task: fewer round trips to the parent, still even work for every worker
            size = max(1, min(16, len(items) // (8 * workers)))
            tasks = [pool.submit(_in_worker, fn, parent, items[i:i + size]) for i in range(0, len(items), size)]
        for task in tasks:
            # Waiting takes the locks of the pool's threads: a signal raised in there would leave a lock
            # released twice, and the command would end with that error instead of its own. The wait is
            # done in short spells with the signals held; one that came meanwhile is raised between them.
            while True:
                with signals_held():
                    finished, _ = wait([task], timeout=0.1)
                if finished:
                    break
            yield from task.result()
    except BrokenProcessPool as e:
        raise WorkerDied from e
    finally:
        # stopped early (an error, Ctrl-C, SIGTERM): the items not begun are dropped, and the workers finish
        # the few they hold and leave. A signal raised inside the shutdown would leave the pool half shut,
        # its threads waiting on each other: it waits until the shutdown is over.
        with signals_held():
            pool.shutdown(wait=True, cancel_futures=True)


def _worker_start(parent: int, setup: Callable[..., None] | None, setup_args: Iterable[Any]) -> None:
    if setup is not None:
        setup(*setup_args)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(os, "setpgid"):
        try:
            os.setpgid(0, 0)
        except OSError:
            pass
    if hasattr(signal, "pthread_sigmask"):  # held by the parent while it forked (see ordered_map)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the kernel was told: no signal will come
        os._exit(1)


def _in_worker(fn: Callable[[T], R], parent: int, items: Sequence[T]) -> list[R]:
    if os.getppid() != parent:
        os._exit(1)  # the command that asked for this is gone: nobody would read the result
    return [fn(item) for item in items]
