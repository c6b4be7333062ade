"""The lanes' rules, without a thread or a model: skipped, replaced, waiting, yielding, pausing."""

from __future__ import annotations

from writer_app.assist.jobs import Job, Lane
from writer_app.assist.lanes import Scheduler


def job(lane: Lane, owner: int = 1, title: str = "") -> Job:
    return Job("rewrite", object(), owner=owner, lane=lane, title=title)


def test_ghost_text_is_skipped_while_a_user_job_runs_or_waits() -> None:
    lanes = Scheduler()
    user, _ = lanes.submit(1, job(Lane.USER))
    assert lanes.submit(2, job(Lane.INTERACTIVE)) == (None, [])  # waiting user job
    assert lanes.next() is user
    assert lanes.submit(3, job(Lane.INTERACTIVE)) == (None, [])  # running user job
    assert not user.cancel.is_set()  # and it was not disturbed
    lanes.finish(user)
    ghost, _ = lanes.submit(4, job(Lane.INTERACTIVE))
    assert ghost is not None


def test_the_latest_ghost_wins_and_a_user_job_cancels_it() -> None:
    lanes = Scheduler()
    first, _ = lanes.submit(1, job(Lane.INTERACTIVE))
    second, replaced = lanes.submit(2, job(Lane.INTERACTIVE, owner=2))
    assert replaced == [first] and first.cancel.is_set()
    assert lanes.next() is second
    user, replaced = lanes.submit(3, job(Lane.USER))
    assert replaced == [second]  # reported even though it runs (in another window): its owner forgets it
    assert second.cancel.is_set()  # running ghost text gives way at once
    lanes.finish(second)
    assert lanes.next() is user


def test_a_window_replaces_its_own_job_and_another_window_waits() -> None:
    lanes = Scheduler()
    a1, _ = lanes.submit(1, job(Lane.USER, owner=1))
    assert lanes.next() is a1
    b1, replaced = lanes.submit(2, job(Lane.USER, owner=2))
    assert replaced == [] and not a1.cancel.is_set() and b1.state == "waiting"
    a2, _ = lanes.submit(3, job(Lane.USER, owner=1))
    assert a1.cancel.is_set() and not b1.cancel.is_set()
    lanes.finish(a1)
    assert lanes.next() is b1  # first come, first served across windows
    lanes.finish(b1)
    assert lanes.next() is a2


def test_background_yields_to_user_and_interactive_jobs_then_resumes() -> None:
    lanes = Scheduler()
    draft, _ = lanes.submit(1, job(Lane.BACKGROUND, title="Draft"))
    assert lanes.next() is draft
    assert lanes.next(above=Lane.BACKGROUND) is None
    user, _ = lanes.submit(2, job(Lane.USER, title="Rewrite"))
    assert lanes.next(above=Lane.BACKGROUND) is user
    assert draft.state == "yielded" and "Draft: yielded" in lanes.describe()
    assert lanes.next(above=Lane.BACKGROUND) is None
    lanes.finish(user)
    assert draft.state == "running" and not draft.cancel.is_set()


def test_only_background_jobs_pause_and_a_cancel_wakes_them() -> None:
    lanes = Scheduler()
    draft, _ = lanes.submit(1, job(Lane.BACKGROUND, title="Draft"))
    user, _ = lanes.submit(2, job(Lane.USER))
    assert not lanes.pause(2)
    assert lanes.pause(1) and not draft.resume.is_set()
    assert "Draft: paused" in lanes.describe()
    assert lanes.resume(1) and draft.resume.is_set()
    lanes.pause(1)
    assert lanes.cancel(1) is draft  # still waiting: dropped and returned
    assert draft.cancel.is_set() and draft.resume.is_set()
    assert lanes.next() is user


def test_nothing_is_handed_out_while_a_model_loads_and_background_jobs_stop() -> None:
    lanes = Scheduler()
    draft, _ = lanes.submit(1, job(Lane.BACKGROUND))
    assert lanes.next() is draft
    lanes.pause(1)
    stopped = lanes.hold()
    assert stopped == [draft] and draft.cancel.is_set() and draft.resume.is_set()
    user, _ = lanes.submit(2, job(Lane.USER))
    assert lanes.next() is None  # waits for the new model
    lanes.release()
    assert lanes.next() is user


def test_a_paused_draft_lets_a_review_run_but_not_another_draft() -> None:
    lanes = Scheduler()
    draft, _ = lanes.submit(1, job(Lane.BACKGROUND, title="Draft"))
    assert lanes.next() is draft and lanes.pause(1)
    other_draft, _ = lanes.submit(2, Job("draft", object(), owner=2, lane=Lane.BACKGROUND))
    review, _ = lanes.submit(3, Job("review", object(), owner=3, lane=Lane.BACKGROUND))
    # what the worker's yield point asks while the draft is paused
    assert lanes.next(above=Lane.BACKGROUND, also=frozenset({"review"})) is review
    assert lanes.next(above=Lane.BACKGROUND, also=frozenset({"review"})) is None  # the draft waits
    lanes.finish(review)
    assert other_draft.state == "waiting" and draft.state == "running"
