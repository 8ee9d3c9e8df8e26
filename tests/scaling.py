"""Linear-time guards that hold on slow and busy machines.

An absolute time limit measures the machine as much as the code: the same test
took 2 s here and 3.9 s on a CI runner. A ratio between two sizes of the same
input does not depend on the machine: linear work grows four times when the
input does, quadratic work sixteen times. These guards catch the quadratic
case and leave speed itself to ``tests/benchmark.py``.
"""

from __future__ import annotations

import gc
import time
from typing import Callable

#: A prepared piece of work: everything but the part under test is done.
Work = Callable[[], object]


def cpu_seconds(work: Work) -> float:
    """CPU time of one call, with the cycle collector paused (late in a long
    session its scans of what earlier tests left alive swamp the measure)."""
    gc.collect()
    gc.disable()
    try:
        started = time.process_time()
        work()
        return time.process_time() - started
    finally:
        gc.enable()


def assert_linear(prepare: Callable[[int], Work], size: int, *, growth: int = 4,
                  floor: float = 0.02) -> None:
    """Fail when ``growth`` times the input costs more than twice ``growth``
    times the CPU (linear: ``growth``; quadratic: its square).

    ``prepare(n)`` builds an input of size ``n`` and returns the work to time.
    The small size is timed twice and the faster run kept, so one hiccup does
    not make the small figure tiny and the ratio huge; ``floor`` keeps a run
    too short to time from doing the same.  A large run over the limit is
    timed once more and the faster kept: on a virtual machine, time the host
    takes from the guest can count as the process's CPU (one such run took
    5.5 times the input's growth where the work grows linearly).
    """
    small = min(cpu_seconds(prepare(size)) for _ in range(2))
    limit = 2 * growth * max(small, floor)
    large = cpu_seconds(prepare(size * growth))
    if large >= limit:
        large = min(large, cpu_seconds(prepare(size * growth)))
    assert large < limit, f"{growth}x the input took {large:.2f} s against {small:.2f} s"
