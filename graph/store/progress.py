"""Progress bars (tqdm) for work that can take more than a second on a big graph, on a terminal only."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["progress_bar", "step"]


def progress_bar(
    *,
    total: int | None = None,
    desc: str,
    unit: str = " it",
    show: bool | None = None,
    iterable: Any = None,
) -> Any:
    """Return a ``tqdm`` bar on stderr, silent unless stderr is a terminal (or ``show`` says otherwise).

    The bar appears only once the work has taken a second, so small graphs print nothing.

    >>> progress_bar(total=3, desc="counting", show=False).disable
    True
    """
    from tqdm import tqdm  # terminal bars only (tqdm.auto warns in a kernel without ipywidgets)

    visible = sys.stderr.isatty() if show is None else show
    return tqdm(
        iterable,
        total=total,
        desc=desc,
        unit=unit,
        unit_scale=True,
        delay=1.0,
        disable=not visible,
        file=sys.stderr,
        leave=False,
        dynamic_ncols=True,
    )


@contextmanager
def step(desc: str, show: bool | None = None) -> Iterator[None]:
    """Show ``desc`` with a running clock on a terminal while one long step runs (past a second).

    For work that gives no count to follow (a SHACL run, a serialisation): the bar is redrawn
    every half second once the step has taken a second.

    >>> with step("checking", show=False):
    ...     pass
    """
    with progress_bar(total=1, desc=desc, unit=" step", show=show) as bar:
        done = threading.Event()
        started = time.monotonic()

        def tick() -> None:
            while not done.wait(0.5):
                if time.monotonic() - started >= 1.0:
                    bar.refresh()

        clock = threading.Thread(target=tick, daemon=True)
        if not bar.disable:
            clock.start()
        try:
            yield
        finally:
            done.set()
            if clock.is_alive():
                clock.join()
        bar.update(1)
