"""A scripted engine for drafts: it plans when asked for a plan and writes fresh prose otherwise, and
can crash (as a dying process would) in the middle of one section."""

from __future__ import annotations

import random

from tests.fakes.scripted_engine import ScriptedEngine, ScriptedGeneration

VOCABULARY = [
    f"{a}{b}"
    for a in ("sa", "ke", "lo", "mi", "tu", "ra", "ve", "no")
    for b in ("n", "l", "ro", "ta", "mi", "sk", "d", "pe", "ga", "u")
]


def prose(line: str, seed: int) -> str:
    """Fresh prose per seed: 600 words from an 80-word vocabulary, a sentence every 8–14 words."""
    rng = random.Random(seed)
    out, length = [], 0
    for _ in range(600):
        out.append(rng.choice(VOCABULARY))
        length += 1
        if length >= rng.randint(8, 14):
            out[-1] += "."
            length = 0
    out[-1] = out[-1].rstrip(".") + "."
    return " ".join(out)


def plan_reply(count: int = 4, words: int = 300) -> str:
    return "\n".join(
        f"Section {i} - Title: Part {i} - Main point: What part {i} of the story tells. - Words: {words}"
        for i in range(1, count + 1)
    )


class Crash(BaseException):
    """Stands for the process dying: nothing in the app catches it."""


class DraftEngine(ScriptedEngine):
    """Plans when the prompt asks for a plan, writes prose otherwise; records the sections started."""

    def __init__(self, crash_in_section: int = 0, delay_s: float = 0.0, sections: int = 4) -> None:
        super().__init__(script=self._reply, delay_s=delay_s)
        self.crash_in_section = crash_in_section
        self.sections = sections
        self.sections_started: list[int] = []

    def _reply(self, line: str, seed: int) -> str:
        return plan_reply(self.sections) if "Plan the text" in self.prompts[-1] else prose(line, seed)

    def stream(self, prompt_tokens, sampling, cancel=None):
        prompt = self.prompts[-1]
        marker = "Now write section "
        if marker in prompt:
            number = int(prompt[prompt.index(marker) + len(marker) :].split(" ", 1)[0])
            self.sections_started.append(number)
            if number == self.crash_in_section:
                return _CrashingGeneration(self, list(prompt_tokens), sampling, cancel)
        return super().stream(prompt_tokens, sampling, cancel)


class _CrashingGeneration(ScriptedGeneration):
    def __iter__(self):
        for count, piece in enumerate(super().__iter__()):
            if count == 20:
                raise Crash
            yield piece
