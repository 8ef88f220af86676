"""The timer loop: fire due timers through the fire_at index, then sleep a little.

With the default 0.5 s poll a timer fires within a second of being due. Several workers may run
at once (PostgreSQL): the cases service locks each case with SKIP LOCKED, so none fires twice.
"""

from __future__ import annotations

import logging
import time

log = logging.getLogger("raflow.worker")


def run(service, *, once: bool = False, poll: float = 0.5, batch: int = 100, stop=lambda: False,
        also=()) -> int:
    """Fire due timers until stopped; with `once`, until nothing due is left for this worker.

    Returns how many fired. A case locked by another worker is left to that worker. Each callable in
    `also` (the mail sender, engine/outbox.py) runs after every sweep.
    """
    total = 0
    while True:
        fired = service.fire_due_timers(limit=batch)
        for sweep in also:
            sweep()
        total += fired
        if fired:
            log.info("fired %d timer(s)", fired)
        if once and fired == 0:
            return total
        if stop():
            return total
        if fired < batch:
            time.sleep(poll)
