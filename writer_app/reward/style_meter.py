"""The style meter: how close a text's voice is to a profile's samples, measured on what carries style
rather than topic — function words, punctuation, sentence and word lengths, dialogue, and character
n-grams of the text with its content words masked — as a profile-relative Delta (Burrows), calibrated
as a percentile of the samples' own chunk-to-rest distances, and explained in words."""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from writer_app.errors import UserError
from writer_app.reward.standing import normal_percentile, pooled, standing_score
from writer_app.reward.text_units import sentences, words

_FUNCTION_TEXT = """
    a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me might more
    most must my myself no nor not now of off on once only or other ought our ours ourselves out over own
    same shall she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up upon very was we were what when where which while who whom
    why will with would you your yours yourself yet though whose whether also
    aboard across afterwards along alongside amid amidst among amongst anybody anyhow anyone anything
    anyway anywhere around aside away back behind beneath beside besides beyond cannot else elsewhere
    enough ever every everybody everyone everything everywhere except far hence however indeed inside
    instead less least like many may meanwhile mine moreover much near nearly neither never nevertheless
    next nobody none noone nothing nowhere often onto opposite outside perhaps past quite rather round
    since still therefore thus thee thou thy thine till toward towards unless unlike unto us whatever
    whenever wherever whichever whoever whomever within without yes yourselves ye almost already
    although always another either etc hither thither whither whence thence therein thereof thereby
    wherein whereof whereas whereby hereafter herein shan't can't don't won't isn't wasn't didn't
    doesn't couldn't wouldn't shouldn't i'm i've i'll i'd you're you've you'll it's that's there's
    he's she's let's we're they're ain't said well oh ah even soon mr mrs miss sir"""
FUNCTION_WORDS = tuple(dict.fromkeys(_FUNCTION_TEXT.split()))
_FUNCTION = frozenset(FUNCTION_WORDS)
PUNCTUATION = (",", ";", ":", "!", "?", "—", "-", "(", '"', "'", "…", ".")
_DASH = re.compile(r"--|—|–")
_QUOTED = re.compile(r"[\"“][^\"”]{1,600}[\"”]")
CHUNK_WORDS = 160  # calibration pieces: about the length of a passage one checks
CENTRE_CHUNK_WORDS = 400
MIN_SAMPLE_WORDS = 300
METER_VERSION = 3  # raised when what the meter measures changes: profiles are measured again
_PARAGRAPH = re.compile(r"\n\s*\n")
# The mean and spread of a profile's own chunk-to-rest distances, over the seven authors' 8-passage
# profiles (0.82 ± 0.08): what a profile too short to calibrate is measured against.
TYPICAL_DISTANCE = (0.82, 0.08)
PRIOR_CHUNKS = 3
EMPIRICAL_CHUNKS = 6  # from this many calibration chunks the percentile is read off them directly
MIN_SPREAD = 0.04
TOP_NGRAMS = 300
BACKGROUND_FILE = Path(__file__).with_name("style_background.json")
MIN_SIGMA = 0.15  # of a feature's mean (or an absolute floor): no feature dominates by a tiny spread
SCALARS = ("sentence length", "sentence length spread", "word length", "dialogue", "paragraph length")
# Endings of content words (grammar, not topic: adverbs, participles, abstract nouns), by rate.
SUFFIXES = (
    *("ly", "ed", "ing", "s", "tion", "ness", "ment", "ous", "ful"),
    *("less", "able", "er", "est", "ity", "ive", "al", "en", "y"),
)
WORD_LENGTHS = range(1, 14)  # the last bin: 13 letters or more


@dataclass(frozen=True)
class StyleFeatures:
    values: dict[str, float]


def _paragraph_count(text: str) -> int:
    return len([p for p in _PARAGRAPH.split(text) if p.strip()])


def is_function_word(word: str) -> bool:
    """Whether a word carries style rather than topic (one of the meter's function words)."""
    return word.lower() in _FUNCTION


def _masked(text: str) -> str:
    """The text with every content word replaced by a mark of its case and length class: what stays is
    function words, punctuation and rhythm."""
    out = []
    last = 0
    for token in words(text):
        out.append(text[last : token.start])
        word = token.text
        if word.lower().replace("’", "'") in _FUNCTION:
            out.append(word.lower())
        else:
            mark = "W" if word[:1].isupper() else "w"
            out.append(mark * (1 if len(word) <= 4 else 2 if len(word) <= 8 else 3))
        last = token.end
    out.append(text[last:])
    return re.sub(r"\s+", " ", "".join(out))


def _ngrams(masked: str, n: int = 3) -> Counter[str]:
    return Counter(masked[i : i + n] for i in range(len(masked) - n + 1))


def features(text: str, ngram_vocabulary: tuple[str, ...] = ()) -> StyleFeatures:
    """Per-word rates (square-rooted, which steadies the spread of rare marks) of function words,
    punctuation, word lengths and content-word endings, length and dialogue figures, and the rates
    of the given masked n-grams."""
    tokens = [t.lower.replace("’", "'") for t in words(text)]
    n = max(1, len(tokens))
    counts = Counter(tokens)
    values: dict[str, float] = {f"fw:{w}": math.sqrt(1000 * counts[w] / n) for w in FUNCTION_WORDS}
    normalised = (
        _DASH.sub("—", text).replace("“", '"').replace("”", '"').replace("’", "'").replace("...", "…")
    )
    for mark in PUNCTUATION:
        values[f"p:{mark}"] = math.sqrt(1000 * normalised.count(mark) / n)
    lengths_of_words = Counter(min(len(t), WORD_LENGTHS[-1]) for t in tokens)
    for length in WORD_LENGTHS:
        values[f"wl:{length}"] = math.sqrt(1000 * lengths_of_words[length] / n)
    endings: Counter[str] = Counter()
    for token in tokens:
        if len(token) >= 4 and token not in _FUNCTION:
            endings.update(x for x in SUFFIXES if token.endswith(x))
    for ending in SUFFIXES:
        values[f"sx:{ending}"] = math.sqrt(1000 * endings[ending] / n)
    spans = sentences(text) or [(0, len(text))]
    lengths = [max(1, len(words(text[a:b]))) for a, b in spans]
    values["sentence length"] = statistics.fmean(lengths)
    values["sentence length spread"] = statistics.pstdev(lengths) if len(lengths) > 1 else 0.0
    values["word length"] = statistics.fmean(len(t) for t in tokens) if tokens else 0.0
    values["dialogue"] = sum(len(m.group()) for m in _QUOTED.finditer(normalised)) / max(1, len(text))
    values["paragraph length"] = n / max(1, _paragraph_count(text))
    if ngram_vocabulary:
        grams = _ngrams(_masked(text))
        total = max(1, sum(grams.values()))
        for gram in ngram_vocabulary:
            values[f"g:{gram}"] = math.sqrt(1000 * grams[gram] / total)
    return StyleFeatures(values)


def chunks(samples: list[str], size: int = CHUNK_WORDS) -> list[str]:
    """The samples cut into pieces of about `size` words at sentence ends (each sample on its own)."""
    pieces: list[str] = []
    for sample in samples:
        # Cuts of the sample itself (its paragraph breaks kept), never mixed with another sample.
        cuts: list[tuple[int, int]] = []
        start, count = 0, 0
        for _a, b in sentences(sample) or [(0, len(sample))]:
            count += len(words(sample[start if not count else _a : b]))
            if count >= size:
                cuts.append((start, b))
                start, count = b, 0
        if count and (count >= size // 2 or not cuts):
            cuts.append((start, len(sample)))
        elif count:
            cuts[-1] = (cuts[-1][0], len(sample))
        pieces.extend(sample[a:b].strip() for a, b in cuts if sample[a:b].strip())
    return pieces


@dataclass(frozen=True)
class StyleBackground:
    """How features vary across authors (fitted on public-domain prose by `make eval-style --fit`):
    the masked n-gram vocabulary and each feature's mean and spread, so a profile's distance is
    measured in units of how much writers differ."""

    ngrams: tuple[str, ...]
    means: dict[str, float]
    sigmas: dict[str, float]

    @classmethod
    def fit(cls, texts: list[str], top_ngrams: int = TOP_NGRAMS) -> StyleBackground:
        grams = _ngrams(_masked("\n\n".join(texts)))
        vocabulary = tuple(g for g, _ in grams.most_common(top_ngrams))
        rows = [features(t, vocabulary).values for t in texts]
        keys = list(rows[0])
        means = {k: statistics.fmean(r[k] for r in rows) for k in keys}
        sigmas = {k: _floored(statistics.pstdev([r[k] for r in rows]), means[k], k) for k in keys}
        return cls(vocabulary, means, sigmas)

    @property
    def fingerprint(self) -> str:
        """Which background a profile was measured against (a refit makes old profiles stale)."""
        measured = {**self.to_data(), "meter": METER_VERSION}
        return hashlib.sha256(json.dumps(measured, sort_keys=True).encode()).hexdigest()[:16]

    def to_data(self) -> dict:
        return {"ngrams": list(self.ngrams), "means": self.means, "sigmas": self.sigmas}

    @classmethod
    def from_data(cls, data: dict) -> StyleBackground:
        return cls(tuple(data["ngrams"]), dict(data["means"]), dict(data["sigmas"]))

    @classmethod
    def load(cls, path: Path = BACKGROUND_FILE) -> StyleBackground:
        return cls.from_data(json.loads(Path(path).read_text(encoding="utf-8")))

    def z(self, text: str) -> list[float]:
        """The text's features in units of how much writers differ; a text of one paragraph says
        nothing about paragraph length (its own length is not a habit), so that one stays at 0."""
        values = features(text, self.ngrams).values
        single = _paragraph_count(text) < 2
        return [
            0.0 if single and k == "paragraph length" else (values[k] - self.means[k]) / self.sigmas[k]
            for k in self.means
        ]


def _cosine_distance(a: list[float], b: list[float]) -> float:
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return 1.0 - sum(x * y for x, y in zip(a, b, strict=True)) / norm if norm else 1.0


def _center(vectors: list[list[float]]) -> list[float]:
    return [statistics.fmean(column) for column in zip(*vectors, strict=True)]


@dataclass(frozen=True)
class StyleProfileStats:
    """What a profile keeps: the samples' mean position against the background, the chunk-to-rest
    distances that calibrate the percentile, and raw means and spreads for the explanation."""

    center: tuple[float, ...]
    calibration: tuple[float, ...]
    means: dict[str, float]
    sigmas: dict[str, float]
    words: int = 0
    background: str = ""  # the fingerprint of the background it was measured against

    def to_data(self) -> dict:
        return {
            "background": self.background,
            "center": list(self.center),
            "calibration": list(self.calibration),
            "means": self.means,
            "sigmas": self.sigmas,
            "words": self.words,
        }

    @classmethod
    def from_data(cls, data: dict) -> StyleProfileStats:
        return cls(
            tuple(data["center"]),
            tuple(data["calibration"]),
            dict(data["means"]),
            dict(data["sigmas"]),
            int(data.get("words", 0)),
            str(data.get("background", "")),
        )


def _floored(spread: float, mean: float, key: str) -> float:
    """A spread never so small that one rare mark (a single "…") decides the whole distance."""
    return max(
        spread, MIN_SIGMA * abs(mean), 0.5 if key.startswith(("fw:", "p:", "g:", "wl:", "sx:")) else 0.05
    )


def _summary(rows: list[dict[str, float]]) -> tuple[dict[str, float], dict[str, float]]:
    keys = rows[0].keys()
    means = {k: statistics.fmean(r[k] for r in rows) for k in keys}
    sigmas = {}
    for key in keys:
        spread = statistics.pstdev([r[key] for r in rows]) if len(rows) > 1 else 0.0
        sigmas[key] = _floored(spread, means[key], key)
    return means, sigmas


def build_profile(samples: list[str], background: StyleBackground | None = None) -> StyleProfileStats:
    """Profile statistics from the samples (computed once, when the samples change)."""
    background = background or default_background()
    pieces = chunks(samples)
    if len(pieces) < 3:  # 300–450 words: calibrated on smaller pieces (a little stricter) than none
        pieces = chunks(samples, CHUNK_WORDS // 2)
    vectors = [background.z(piece) for piece in pieces]
    calibration = []
    if len(vectors) >= 3:
        for i, held_out in enumerate(vectors):
            calibration.append(_cosine_distance(held_out, _center(vectors[:i] + vectors[i + 1 :])))
    # The centre from larger pieces: a sample of a few hundred words stays whole (measured on the
    # authors' passages, small pieces cost 3 points of authorship accuracy and 7 across works).
    centre = _center([background.z(piece) for piece in chunks(samples, CENTRE_CHUNK_WORDS)])
    raw = [features(piece).values for piece in pieces]
    means, sigmas = _summary(raw)
    # Paragraph length is a habit only across paragraph breaks: over the samples whole, not per piece.
    paragraphs = sum(_paragraph_count(sample) for sample in samples)
    total = sum(len(words(sample)) for sample in samples)
    means["paragraph length"] = total / max(1, paragraphs)
    sigmas["paragraph length"] = _floored(0.0, means["paragraph length"], "paragraph length")
    return StyleProfileStats(
        tuple(centre), tuple(sorted(calibration)), means, sigmas, total, background.fingerprint
    )


@dataclass(frozen=True)
class StyleMatch:
    """`score` 0–10 (about 7 for the samples' own passages, 10 closer than any of them), `percentile`
    among the samples' own chunks, `explanation` what differs most."""

    score: float
    percentile: float
    distance: float
    explanation: str
    standing: float = 0.0  # (distance − the samples' own mean distance) / their spread: 0 is typical


def _percentile(distance: float, calibration: tuple[float, ...]) -> float:
    """The share of the samples' own chunk-to-rest distances at least as far as `distance`, read
    between the sorted distances so that close texts still differ."""
    points = sorted(calibration)
    if distance <= points[0]:
        return 100.0
    if distance >= points[-1]:
        return 0.0
    for i in range(1, len(points)):
        if distance <= points[i]:
            span = points[i] - points[i - 1]
            position = (i - 1) + ((distance - points[i - 1]) / span if span else 1.0)
            return 100.0 * (1.0 - (position + 0.5) / len(points)) if len(points) > 1 else 50.0
    return 0.0


def _explain(text: str, values: dict[str, float], stats: StyleProfileStats, far: bool) -> str:
    notes = []
    lengths = [("sentence length", "sentences"), ("word length", "words")]
    if _paragraph_count(text) > 1:  # one paragraph has no paragraph habit to compare
        lengths.append(("paragraph length", "paragraphs"))
    for key, label in lengths:
        mean, value = stats.means[key], values[key]
        if mean > 0 and abs(value - mean) / stats.sigmas[key] > 1.5:
            notes.append(f"{label} {abs(value / mean - 1):.0%} {'longer' if value > mean else 'shorter'}")
    dialogue_gap = values["dialogue"] - stats.means["dialogue"]
    if abs(dialogue_gap) / stats.sigmas["dialogue"] > 1.5 and abs(dialogue_gap) > 0.1:
        notes.append("more dialogue" if dialogue_gap > 0 else "less dialogue")

    def farthest(prefix: str) -> list[tuple[float, str]]:  # the features of a kind, farthest first
        keys = [k for k in stats.means if k.startswith(prefix)]
        return sorted(((abs(values[k] - stats.means[k]) / stats.sigmas[k], k) for k in keys), reverse=True)

    for z, key in farthest("p:")[:2]:
        if z > 2:
            more = values[key] > stats.means[key]
            notes.append(f"{'more' if more else 'fewer'} “{key[2:]}”")
    function = farthest("fw:")
    if function and function[0][0] > 2.5:
        key = function[0][1]
        notes.append(f"“{key[3:]}” {'more' if values[key] > stats.means[key] else 'less'} often")
    if notes:
        return "; ".join(notes)
    if far:  # no one habit stands out, yet the whole is far from the samples
        return "many small differences in rhythm, punctuation and function words"
    return "close to the samples in rhythm, punctuation and function words"


def match(text: str, stats: StyleProfileStats, background: StyleBackground | None = None) -> StyleMatch:
    """How close `text` is to the profile: the cosine distance of their positions against the
    background ("Cosine Delta"), as a percentile of the samples' own chunk-to-rest distances."""
    background = background or default_background()
    if stats.background != background.fingerprint or len(stats.center) != len(background.means):
        raise UserError("This style profile was measured against another background: create it again.")
    distance = centre_distance(text, stats, background)
    if len(stats.calibration) >= 2:
        percentile = _percentile(distance, stats.calibration)
        # 1,400 words of samples make 9 chunks, 300 words 3 or 4: pooled with a typical profile's
        mean, spread = pooled(stats.calibration, TYPICAL_DISTANCE, PRIOR_CHUNKS, MIN_SPREAD)
        standing = (distance - mean) / spread
        if len(stats.calibration) < EMPIRICAL_CHUNKS:  # too few for a percentile: the pooled spread's
            percentile = normal_percentile(standing)
    else:  # too few samples to calibrate (a few sentences): a typical profile's own spread
        standing = (distance - TYPICAL_DISTANCE[0]) / TYPICAL_DISTANCE[1]
        percentile = normal_percentile(standing)
    score = standing_score(standing)
    explanation = _explain(text, features(text).values, stats, far=standing > 1.0)
    return StyleMatch(score, round(percentile, 1), round(distance, 4), explanation, round(standing, 3))


def centre_distance(text: str, stats: StyleProfileStats, background: StyleBackground | None = None) -> float:
    """The Cosine Delta of `text` from the profile's centre (0 = the samples' average voice); a text
    of one paragraph is compared without paragraph length, on both sides."""
    background = background or default_background()
    centre = list(stats.center)
    if _paragraph_count(text) < 2:
        centre[list(background.means).index("paragraph length")] = 0.0
    return _cosine_distance(background.z(text), centre)


@functools.cache
def default_background() -> StyleBackground:
    """The shipped background, read once."""
    return StyleBackground.load()
