"""Planning a long draft (LongWriter's AgentWrite): an outline of sections, each with a title, a main
point and a word budget of 200 to 1,000 words that add up to the target; parsed from a line format
(grammar-constrained where the engine can), repaired, retried, and re-planned one section at a time."""

from __future__ import annotations

import json
import math
import re
import threading
from dataclasses import asdict, dataclass, replace

from writer_app.assist.candidates import CandidateListener
from writer_app.engine.interface import TextEngine
from writer_app.engine.types import Sampling
from writer_app.errors import UserError

MIN_SECTION_WORDS = 200  # AgentWrite's limits per section
MAX_SECTION_WORDS = 1_000
MIN_TARGET_WORDS = 200
MAX_TARGET_WORDS = 20_000
TYPICAL_SECTION_WORDS = 400
PLAN_ATTEMPTS = 3
MAX_TITLE_CHARS = 60
MAX_POINT_CHARS = 240
LINE_OVERHEAD_CHARS = 110  # a plan line's labels, number, title and budget
_LABELLED = re.compile(
    r"^\W*(?:section|paragraph|part)\s*(?P<number>\d{1,2})\W+title\s*:\s*(?P<title>.+?)\s+[-–—|]\s*"
    r"main\s*point\s*:\s*(?P<point>.+?)\s+[-–—|]\s*(?:words?|word\s*count)\s*:\s*(?P<words>\d[\d,]{1,5})\b",
    re.IGNORECASE,
)
_AGENTWRITE = re.compile(  # LongWriter's own form: no title
    r"^\W*(?:paragraph|section|part)\s*(?P<number>\d{1,2})\W+main\s*point\s*:\s*(?P<point>.+?)\s+[-–—|]\s*"
    r"(?:words?|word\s*count)\s*:\s*(?P<words>\d[\d,]{1,5})\b",
    re.IGNORECASE,
)
_LINE = re.compile(
    r"^\W*(?:section|paragraph|part)?\s*(?P<number>\d{1,2})\s*[.):-]?\s*[-–—]?\s*"
    r"(?:title\s*:\s*)?(?P<title>.+?)\s*(?:[-–—|]\s*)(?:main\s*point\s*:\s*)?(?P<point>.+?)"
    r"\s*(?:[-–—|(]\s*)(?:words?(?:\s*count)?\s*:\s*)?(?P<words>\d[\d,]{1,5})\s*(?:words?)?\W*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Section:
    title: str
    point: str
    words: int


@dataclass(frozen=True)
class Outline:
    """The plan of a draft: its instruction, target length and sections in order."""

    instruction: str
    target_words: int
    sections: tuple[Section, ...]

    @property
    def planned_words(self) -> int:
        return sum(section.words for section in self.sections)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    @classmethod
    def from_data(cls, data: object) -> Outline:
        """An outline from `plan --json`'s output (or its `plan` part); a sentence if it is not one."""
        if isinstance(data, dict) and isinstance(data.get("plan"), dict):
            data = data["plan"]
        try:
            sections = tuple(
                Section(str(s["title"]).strip(), str(s.get("point", "")).strip(), int(s["words"]))
                for s in data["sections"]  # type: ignore[index]
            )
            outline = cls(str(data["instruction"]), int(data["target_words"]), sections)  # type: ignore[index]
        except (KeyError, TypeError, ValueError) as error:
            raise UserError(f"This is not a plan as `plan --json` writes it ({error}).") from error
        check_outline(outline)
        return outline


@dataclass(frozen=True)
class PlanRequest:
    """Plan a draft; with `outline` and `section` set, re-plan only that section of it."""

    instruction: str
    target_words: int
    seed: int = 0
    temperature: float = 0.7
    outline: Outline | None = None
    section: int = -1


@dataclass(frozen=True)
class PlanResult:
    model: str
    outline: Outline
    attempts: int
    cancelled: bool = False


def check_target(instruction: str, target_words: int) -> None:
    """One sentence for an instruction or a target the planner cannot take."""
    if not instruction.strip():
        raise UserError("Write an instruction for the draft first: what should the text be about?")
    if not MIN_TARGET_WORDS <= target_words <= MAX_TARGET_WORDS:
        raise UserError(
            f"A draft can be {MIN_TARGET_WORDS:,} to {MAX_TARGET_WORDS:,} words long, not {target_words:,}."
        )


def check_outline(outline: Outline) -> None:
    check_target(outline.instruction, outline.target_words)
    if not outline.sections:
        raise UserError("The plan has no sections: add at least one.")
    for number, section in enumerate(outline.sections, start=1):
        if not section.title.strip():
            raise UserError(f"Section {number} has no title.")
        if section.words <= 0:
            raise UserError(f"Section {number} needs a word budget above zero.")
    titles = [" ".join(s.title.lower().split()) for s in outline.sections]
    for number, title in enumerate(titles, start=1):
        if title in titles[: number - 1]:
            raise UserError(
                f"Sections {titles.index(title) + 1} and {number} have the same title: headings must differ."
            )


def section_count(target_words: int) -> int:
    """How many sections a target asks for: about 400 words each, within AgentWrite's limits."""
    low = math.ceil(target_words / MAX_SECTION_WORDS)
    high = max(low, target_words // MIN_SECTION_WORDS)
    return min(high, max(low, round(target_words / TYPICAL_SECTION_WORDS)))


def repair_budgets(sections: list[Section], target_words: int) -> list[Section]:
    """Scale the budgets to sum to the target, each kept within 200–1,000 words (10-word steps), and
    split or merge sections when the target cannot be met within those limits."""
    sections = [s for s in sections if s.title.strip()]
    wanted = section_count(target_words)
    while len(sections) * MAX_SECTION_WORDS < target_words:  # too few: split the largest in two
        largest = max(range(len(sections)), key=lambda i: sections[i].words)
        part = sections[largest]
        sections[largest : largest + 1] = [
            replace(part, title=f"{part.title} (I)"),
            replace(part, title=f"{part.title} (II)"),
        ]
    while len(sections) > max(1, target_words // MIN_SECTION_WORDS) or len(sections) > 2 * wanted + 2:
        sections.pop()  # too many for the target: the last ones go
    raw = [max(1, s.words) for s in sections]
    scale = target_words / sum(raw)
    budgets = [min(MAX_SECTION_WORDS, max(MIN_SECTION_WORDS, round(w * scale / 10) * 10)) for w in raw]
    for _ in range(len(budgets) * 100):  # move 10 words at a time until the sum is the target
        gap = target_words - sum(budgets)
        if abs(gap) < 10:
            break
        step = 10 if gap > 0 else -10
        room = [i for i, b in enumerate(budgets) if MIN_SECTION_WORDS <= b + step <= MAX_SECTION_WORDS]
        if not room:
            break
        budgets[max(room, key=lambda i: budgets[i] if step < 0 else -budgets[i])] += step
    remainder = target_words - sum(budgets)  # under 10 words: to sections with room, so the total is exact
    for i in sorted(range(len(budgets)), key=lambda i: budgets[i], reverse=remainder < 0):
        step = max(MIN_SECTION_WORDS - budgets[i], min(MAX_SECTION_WORDS - budgets[i], remainder))
        budgets[i] += step
        remainder -= step
    return [replace(s, words=b) for s, b in zip(sections, budgets, strict=True)]


def _clean_field(text: str, limit: int) -> str:
    text = " ".join(text.replace("*", " ").split()).strip(" ,;:-–—\"'")
    if len(text) > limit:
        cut = text[:limit]
        text = cut[: cut.rfind(" ")] if " " in cut else cut
    return text.rstrip(" ,;:-–—")


_DANGLING = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
    ]
)


def _clean_title(text: str) -> str:
    """A title: its first sentence only (small models run on into the point), without a bracket left
    open or a last word that leads nowhere ("… History, from")."""
    title = _clean_field(text, MAX_TITLE_CHARS)
    end = re.search(r"[.!?](?:\s|$)", title)
    title = title[: end.start()].strip() if end and end.start() > 3 else title
    if title.count("(") > title.count(")"):
        title = title[: title.rfind("(")]
    words = title.split()
    while len(words) > 1 and (words[-1].lower().strip(",;:-") in _DANGLING or not words[-1].strip(",;:-(")):
        words.pop()
    return " ".join(words).rstrip(" ,;:-–—")


def _clean_point(text: str) -> str:
    text = _clean_field(text, MAX_POINT_CHARS)
    end = max(text.rfind(". "), text.rfind("! "), text.rfind("? "))
    if not text.endswith((".", "!", "?")) and end > 40:
        text = text[: end + 1]  # a point cut by its length limit ends at its last whole sentence
    return text


def _title_from(point: str) -> str:
    """A heading from a point's opening words, for plans that give none."""
    opening = " ".join(re.findall(r"[\w'’-]+", point)[:6])
    return opening[:1].upper() + opening[1:]


def _distinct_titles(sections: list[Section]) -> list[Section]:
    """A title seen before is replaced by the opening words of its own point (small models repeat
    the first title for every section), so each heading says something and can be found."""
    seen: set[str] = set()
    result = []
    for section in sections:
        title = section.title
        if title.lower() in seen:
            title = _title_from(section.point) or title
            while title.lower() in seen:
                title += " (continued)"
        seen.add(title.lower())
        result.append(replace(section, title=title))
    return result


def parse_sections(text: str) -> list[Section] | None:
    """The sections of a model's plan in any of the usual line forms, titles made distinct; None
    when fewer than one line in two parses (a plan that is mostly something else)."""
    sections: list[Section] = []
    lines = [line for line in text.splitlines() if line.strip()]
    for line in lines:
        match = _LABELLED.match(line.strip()) or _AGENTWRITE.match(line.strip()) or _LINE.match(line.strip())
        if match is None:
            continue
        point = _clean_point(match["point"])
        title = _clean_title(match["title"]) if "title" in match.groupdict() else _title_from(point)
        words = int(match["words"].replace(",", ""))
        if title and point:
            sections.append(Section(title, point, words))
    if not sections or len(sections) * 2 < len(lines):
        return None
    return _distinct_titles(sections)


def parse_outline(text: str, instruction: str, target_words: int) -> Outline | None:
    """An outline from a model's plan, budgets repaired to the target; None when it is no plan."""
    sections = parse_sections(text)
    if sections is None:
        return None
    return Outline(instruction.strip(), target_words, tuple(repair_budgets(sections, target_words)))


def plan_grammar(count: int, point_chars: int = MAX_POINT_CHARS) -> str:
    """GBNF for exactly `count` numbered lines of the plan's format, points up to `point_chars`."""
    rules = [
        f'line{i} ::= "Section {i} - Title: " title " - Main point: " point " - Words: " count "\\n"'
        for i in range(1, count + 1)
    ]
    return "\n".join(
        [
            "root ::= " + " ".join(f"line{i}" for i in range(1, count + 1)),
            *rules,
            r"title ::= [^\n|*-] [^\n|*]{2,48}",
            rf"point ::= [^\n|*-] [^\n|*]{{19,{max(20, point_chars - 2)}}}",
            "count ::= [1-9] [0-9]{2,3}",
        ]
    )


def _plan_prompt(instruction: str, target_words: int, count: int) -> str:
    return (
        f"Plan the text asked for below as {count} sections, about {target_words:,} words in all. For "
        "each section give a short title, its main point in one sentence, and its length in words "
        f"({MIN_SECTION_WORDS} to {MAX_SECTION_WORDS:,} each). Only the last section concludes.\n\n"
        f"Instruction: {instruction.strip()}\n\n"
        "Answer with one line per section and nothing else, exactly like this:\n"
        "Section 1 - Title: ... - Main point: ... - Words: 400"
    )


def _replan_prompt(outline: Outline, index: int) -> str:
    listed = "\n".join(_plan_line(i + 1, s) for i, s in enumerate(outline.sections))
    return (
        f"Instruction: {outline.instruction}\n\nThe plan:\n{listed}\n\n"
        f"Write a new, different line for section {index + 1} that fits between its neighbours. "
        "Answer with that one line only, in the same form."
    )


def _plan_line(number: int, section: Section) -> str:
    return f"Section {number} - Title: {section.title} - Main point: {section.point} - Words: {section.words}"


def _generate(
    engine: TextEngine,
    prompt: str,
    sampling: Sampling,
    cancel: threading.Event | None,
    listener: CandidateListener | None,
) -> str:
    pieces = []
    for piece in engine.stream(engine.chat_tokens([{"role": "user", "content": prompt}]), sampling, cancel):
        pieces.append(piece)
        if listener is not None:
            listener.chunk(0, piece)
    return "".join(pieces)


def plan_draft(
    engine: TextEngine,
    request: PlanRequest,
    *,
    cancel: threading.Event | None = None,
    listener: CandidateListener | None = None,
) -> PlanResult:
    """An outline for the request (or the outline with one section re-planned), tried up to
    PLAN_ATTEMPTS times with new seeds; a sentence when no attempt gives a plan."""
    replanning = request.outline is not None and 0 <= request.section < len(request.outline.sections)
    outline = request.outline
    if replanning:
        assert outline is not None
        check_outline(outline)
        count, prompt = 1, _replan_prompt(outline, request.section)
    else:
        check_target(request.instruction, request.target_words)
        count = section_count(request.target_words)
        prompt = _plan_prompt(request.instruction, request.target_words, count)
    prompt_tokens = len(engine.chat_tokens([{"role": "user", "content": prompt}]))
    room = engine.n_ctx - prompt_tokens - 16
    # Points shrink for long plans so every line fits the context (prose runs ≥ 3 characters a token).
    point_chars = max(40, min(MAX_POINT_CHARS, room * 3 // count - LINE_OVERHEAD_CHARS))
    grammar = plan_grammar(count, point_chars) if engine.capabilities.grammar else ""
    max_tokens = max(16, min(room, count * (point_chars + LINE_OVERHEAD_CHARS)))
    for attempt in range(1, PLAN_ATTEMPTS + 1):
        if listener is not None and attempt > 1:
            listener.restart(0)
        sampling = Sampling(
            temperature=request.temperature,
            repeat_penalty=1.2,  # small models copy the line before: a new section, not the same one
            max_tokens=max_tokens,
            seed=request.seed + attempt - 1,
            grammar=grammar,
        )
        text = _generate(engine, prompt, sampling, cancel, listener)
        if cancel is not None and cancel.is_set():
            empty = outline or Outline(request.instruction, request.target_words, ())
            return PlanResult(engine.model_name, empty, attempt, cancelled=True)
        if replanning:
            assert outline is not None
            parsed = parse_sections(text)
            if parsed is not None:
                new = replace(parsed[0], words=outline.sections[request.section].words)
                sections = list(outline.sections)
                sections[request.section] = new
                sections = _distinct_titles(sections)  # never the title of another section
                return PlanResult(engine.model_name, replace(outline, sections=tuple(sections)), attempt)
            continue
        parsed = parse_outline(text, request.instruction, request.target_words)
        if parsed is not None:
            return PlanResult(engine.model_name, parsed, attempt)
    raise UserError(
        f"The model did not write a usable plan in {PLAN_ATTEMPTS} tries: try again, use a larger model, "
        "or write the sections yourself in the outline."
    )
