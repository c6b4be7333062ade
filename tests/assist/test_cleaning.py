"""Cleaning model answers down to the rewritten text."""

from __future__ import annotations

import pytest

from writer_app.assist.cleaning import clean_output

SOURCE = "The meeting have been moved to thursday."


@pytest.mark.parametrize(
    "raw",
    [
        "Here is the rewritten text: The meeting was moved to Thursday.",
        "Sure! Here's a clearer version:\nThe meeting was moved to Thursday.",
        "Rewritten text:\nThe meeting was moved to Thursday.",
        "The correct version: The meeting was moved to Thursday.",  # SmolLM2, grammar mode
        "Correction: The meeting was moved to Thursday.",
        "Polished sentence: The meeting was moved to Thursday.",
        'The original sentence is: "The meeting was moved to Thursday.\n"',  # SmolLM2, text already fine
        '"The meeting was moved to Thursday."',
        "“The meeting was moved to Thursday.”",
        "```\nThe meeting was moved to Thursday.\n```",
        "The meeting was moved to Thursday.\n\nI hope this helps! Let me know if you need more.",
        "The meeting was moved to Thursday.\n\nNote: I corrected the verb agreement.",
        "  The meeting was moved to Thursday.  \n",
    ],
)
def test_wrappers_and_chatter_are_removed(raw: str) -> None:
    assert clean_output(raw, SOURCE) == "The meeting was moved to Thursday."


def test_a_lead_in_without_text_is_empty() -> None:
    assert clean_output("I fixed the grammar. Here is the revised sentence:", SOURCE) == ""
    assert clean_output("The correct version:", SOURCE) == ""


def test_text_that_looks_like_a_preamble_in_the_source_is_kept() -> None:
    source = "Here is the plan: we leave at dawn."
    assert clean_output("Here is the plan: we leave at sunrise.", source) == (
        "Here is the plan: we leave at sunrise."
    )


def test_quotes_that_belong_to_the_text_are_kept() -> None:
    source = '"Stop," she said. "Now."'
    assert clean_output('"Stop," she said. "Right now."', source) == '"Stop," she said. "Right now."'


def test_first_person_paragraphs_of_a_multi_paragraph_text_are_kept() -> None:
    source = "We went out.\n\nI made tea."
    raw = "We went outside.\n\nI made some tea."
    assert clean_output(raw, source) == raw


def test_same_shape_keeps_only_the_sources_paragraph_count() -> None:
    raw = "The meeting was moved to Thursday.\nRewrite:\nThis sentence is now correct."
    assert clean_output(raw, SOURCE, same_shape=True) == "The meeting was moved to Thursday."
    two = "First one.\n\nSecond one."
    assert clean_output("First.\n\nSecond.\n\nThis version is shorter.", two, same_shape=True) == (
        "First.\n\nSecond."
    )


def test_markdown_code_fence_in_the_source_is_kept() -> None:
    source = "```\nprint(1)\n```"
    assert clean_output("```\nprint(2)\n```", source) == "```\nprint(2)\n```"


def test_control_characters_and_odd_line_breaks_are_normalised() -> None:
    assert clean_output("One\r\nTwo\rThree\u2029Four\x07\x1b.", "a\nb") == "One\nTwo\nThree\nFour."


def test_a_lead_in_line_of_the_models_own_is_dropped() -> None:
    raw = "The sentence is wrong. A simple correction:\nThe meeting was moved to Thursday."
    assert clean_output(raw, SOURCE, same_shape=True) == "The meeting was moved to Thursday."
    assert clean_output("It should read as follows:\n\nThe meeting was moved.", SOURCE) == (
        "The meeting was moved."
    )


ECHOES = ("Text:", "Task: Fix the grammar.", "Rewrite the text below", "[…the text to rewrite stands here…]")


def test_an_answer_ends_where_it_repeats_the_prompt() -> None:
    echoing = "The meeting was moved.\n\nTask: Fix the grammar.\n\nText:\nThe meeting have been moved."
    assert clean_output(echoing, SOURCE, echoes=ECHOES) == "The meeting was moved."
    inline = "The meeting was moved. Rewrite the text below in the author's voice. Keep its meaning."
    assert clean_output(inline, SOURCE, echoes=ECHOES) == "The meeting was moved."
    marked = "The meeting was moved.\n  […the text to rewrite stands here…] and more"
    assert clean_output(marked, SOURCE, echoes=ECHOES) == "The meeting was moved."
    indented = "The meeting was moved.\n   text:  \nThe meeting have been moved."
    assert clean_output(indented, SOURCE, echoes=ECHOES) == "The meeting was moved."
    for dressed in ("**Text:**", "**Text**:", "## Text:", "_Text:_"):  # a label in Markdown
        answer = f"The meeting was moved.\n\n{dressed}\nThe meeting have been moved."
        assert clean_output(answer, SOURCE, echoes=ECHOES) == "The meeting was moved.", dressed
    curly = "The meeting was moved. In the author’s voice, write about a storm."
    lead = ("In the author's voice, write about",)
    assert clean_output(curly, SOURCE, echoes=lead) == "The meeting was moved."
    # Deliberately all echo: what follows a repeated task is the model's own text, not an answer.
    assert clean_output("Task: Fix the grammar.\n\nText:\nIt moved.", SOURCE, echoes=ECHOES) == ""


def test_a_label_is_an_echo_only_alone_on_its_line_and_only_when_the_source_lacks_it() -> None:
    kept_lines = ("The meeting's Text: was moved.", "It moved.\nText: agenda", "It moved.\n**Text:** agenda")
    for kept in kept_lines:
        assert clean_output(kept, SOURCE, echoes=ECHOES) == kept
    source = "Book the room.\n\nText:\nthe agenda"  # the user's own label is theirs to keep
    answer = "Book the room today.\n\nText:\nthe agenda, sent"
    assert clean_output(answer, source, echoes=ECHOES) == answer
