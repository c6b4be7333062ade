"""Lanes over the one engine: which job runs next, which waits, which is skipped or cancelled.

- interactive (ghost text): latest wins; skipped, not queued, while a user job runs or waits; a user
  job cancels it;
- user: one at a time; a new job from the same owner cancels that owner's previous one, a job from
  another owner waits its turn;
- background: runs when nothing else does; at each yield point the worker asks `next(above=...)` for
  the user and interactive jobs that outrank it, runs them, and goes on by itself; it can be paused,
  and while it is, a review (which needs no writing model) runs too.

While a model loads (`hold`) no job is handed out; they wait and run on the new model.

Thread-safe: the GUI thread submits and cancels, the worker thread takes jobs and finishes them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from writer_app.assist.jobs import Job, Lane

PRIORITY = {Lane.USER: 0, Lane.INTERACTIVE: 1, Lane.BACKGROUND: 2}


@dataclass
class Ticket:
    """One submitted job and its controls; `state` is waiting, running, yielded, paused or done."""

    job_id: int
    job: Job
    cancel: threading.Event = field(default_factory=threading.Event)
    resume: threading.Event = field(default_factory=threading.Event)  # cleared while paused
    state: str = "waiting"

    def __post_init__(self) -> None:
        self.resume.set()


class Scheduler:
    """Decides the order of jobs; runs nothing itself."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: list[Ticket] = []
        self._running: list[Ticket] = []  # a background job with the job it yielded to on top
        self._held = False

    def submit(self, job_id: int, job: Job) -> tuple[Ticket | None, list[Ticket]]:
        """Queue `job`; returns its ticket (None: skipped) and every ticket it replaced (cancelled;
        the waiting ones are also dropped from the queue)."""
        with self._lock:
            active = self._waiting + self._running
            if job.lane is Lane.INTERACTIVE and any(t.job.lane is Lane.USER for t in active):
                return None, []
            replaced = [t for t in active if self._replaced_by(job, t)]
            for ticket in replaced:
                ticket.cancel.set()
                ticket.resume.set()  # a paused job must wake up to see its cancel
            self._waiting = [t for t in self._waiting if t not in replaced]
            ticket = Ticket(job_id, job)
            self._waiting.append(ticket)
            return ticket, replaced

    @staticmethod
    def _replaced_by(new: Job, old: Ticket) -> bool:
        if old.job.lane is Lane.INTERACTIVE:
            return new.lane in (Lane.INTERACTIVE, Lane.USER)  # latest wins; a user job comes first
        return new.lane is Lane.USER and old.job.lane is Lane.USER and old.job.owner == new.owner

    def next(self, above: Lane | None = None, also: frozenset[str] = frozenset()) -> Ticket | None:
        """The next job to run (and mark it running); with `above`, only jobs of a higher priority or
        of a kind in `also` (a review may run while a draft is paused)."""
        with self._lock:
            if self._held:
                return None
            limit = PRIORITY[above] if above is not None else len(PRIORITY)
            candidates = [t for t in self._waiting if PRIORITY[t.job.lane] < limit or t.job.kind in also]
            if not candidates:
                return None
            ticket = min(candidates, key=lambda t: PRIORITY[t.job.lane])  # FIFO within a lane
            self._waiting.remove(ticket)
            if self._running:
                self._running[-1].state = "yielded"
            ticket.state = "running"
            self._running.append(ticket)
            return ticket

    def hold(self) -> list[Ticket]:
        """A model is about to load: hand out no job until `release`, and cancel the background jobs
        (a paused one would otherwise keep the worker, and the load, waiting)."""
        with self._lock:
            self._held = True
            stopped = [t for t in self._waiting + self._running if t.job.lane is Lane.BACKGROUND]
            for ticket in stopped:
                ticket.cancel.set()
                ticket.resume.set()
            self._waiting = [t for t in self._waiting if t not in stopped]
            return stopped

    def release(self) -> None:
        with self._lock:
            self._held = False

    def finish(self, ticket: Ticket) -> None:
        with self._lock:
            ticket.state = "done"
            if ticket in self._running:
                self._running.remove(ticket)
            if self._running and self._running[-1].state == "yielded":
                self._running[-1].state = "running"

    def cancel(self, job_id: int) -> Ticket | None:
        """Cancel a job; a waiting one is dropped at once and returned (nobody else will end it)."""
        with self._lock:
            ticket = next((t for t in self._waiting + self._running if t.job_id == job_id), None)
            if ticket is None:
                return None
            ticket.cancel.set()
            ticket.resume.set()
            if ticket in self._waiting:
                self._waiting.remove(ticket)
                return ticket
            return None

    def cancel_all(self) -> list[Ticket]:
        with self._lock:
            for ticket in self._waiting + self._running:
                ticket.cancel.set()
                ticket.resume.set()
            dropped, self._waiting = self._waiting, []
            return dropped

    def pause(self, job_id: int) -> bool:
        """Pause a background job at its next yield point; False for any other job."""
        with self._lock:
            ticket = next((t for t in self._waiting + self._running if t.job_id == job_id), None)
            if ticket is None or ticket.job.lane is not Lane.BACKGROUND:
                return False
            ticket.resume.clear()
            return True

    def resume(self, job_id: int) -> bool:
        with self._lock:
            ticket = next((t for t in self._waiting + self._running if t.job_id == job_id), None)
            if ticket is None:
                return False
            ticket.resume.set()
            return True

    def describe(self) -> str:
        """One line for the status bar: what runs, what waits, what is paused."""
        with self._lock:
            tickets = self._running + self._waiting
            if not tickets:
                return ""
            parts = []
            for ticket in tickets:
                state = "paused" if not ticket.resume.is_set() else ticket.state
                name = ticket.job.title or ticket.job.kind
                parts.append(f"{name}: {state}")
            return " · ".join(parts)
