"""Saved KV states of earlier prompts, so each kind of request keeps its cached prefix.

The main context holds one prompt at a time: a ghost-text continuation of the document and a rewrite
of a paragraph in it evict each other's prefix. Before a prompt replaces most of what the context
holds, the context's sequence state (its KV cells only, no logits) is copied out with
`llama_state_seq_get_data`; a later prompt that shares more with a saved state than with the live
context gets that state copied back with `llama_state_seq_set_data`. The copies are bounded by a
byte budget (the engine gives it memory left over, at most two contexts' worth); the least recently
used goes first, before a new copy is made.
"""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import llama_cpp

LOGGER = logging.getLogger(__name__)
MIN_SAVED_TOKENS = 128  # shorter prefixes are cheaper to read again than to keep


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    """How many leading tokens two sequences share."""
    count, limit = 0, min(len(a), len(b))
    while count < limit and a[count] == b[count]:
        count += 1
    return count


@dataclass
class SavedState:
    tokens: list[int]
    data: ctypes.Array  # the sequence's KV cells as llama.cpp serialises them
    last_used: int = field(default=0)

    @property
    def size(self) -> int:
        return len(self.data)


class PrefixStates:
    """A few saved sequence states of one context, looked up by their longest shared prefix."""

    def __init__(self, budget_bytes: int) -> None:
        self.budget_bytes = budget_bytes
        self.states: list[SavedState] = []
        self._clock = 0

    @property
    def bytes_held(self) -> int:
        return sum(state.size for state in self.states)

    def save(self, ctx: llama_cpp.llama_context_p, tokens: Sequence[int]) -> bool:
        """Copy sequence 0 of `ctx` (which holds `tokens`) out; False when it is not worth keeping."""
        if len(tokens) < MIN_SAVED_TOKENS:
            return False
        size = llama_cpp.llama_state_seq_get_size(ctx, 0)
        if size <= 0 or size > self.budget_bytes:
            return False
        # A state sharing most of its tokens with this one is the same kind of prompt, older: this
        # one supersedes it (a continuation after more typing, a rewrite of another paragraph).
        self.states = [s for s in self.states if 2 * common_prefix(s.tokens, tokens) < len(s.tokens)]
        while self.states and self.bytes_held + size > self.budget_bytes:  # room first, then the copy
            self.states.remove(min(self.states, key=lambda s: s.last_used))
        buffer = (ctypes.c_uint8 * size)()
        written = llama_cpp.llama_state_seq_get_data(ctx, buffer, size, 0)
        if written != size:
            LOGGER.debug("state copy returned %d of %d bytes: not kept", written, size)
            return False
        self._clock += 1
        self.states.append(SavedState(list(tokens), buffer, self._clock))
        return True

    def best(self, tokens: Sequence[int]) -> tuple[SavedState | None, int]:
        """The saved state sharing the longest prefix with `tokens`, and that length."""
        best, length = None, 0
        for state in self.states:
            shared = common_prefix(state.tokens, tokens)
            if shared > length:
                best, length = state, shared
        return best, length

    def restore(self, ctx: llama_cpp.llama_context_p, state: SavedState) -> bool:
        """Replace sequence 0 of `ctx` with `state`; False (and an empty sequence) when it fails."""
        memory = llama_cpp.llama_get_memory(ctx)
        llama_cpp.llama_memory_seq_rm(memory, 0, -1, -1)
        loaded = llama_cpp.llama_state_seq_set_data(ctx, state.data, state.size, 0)
        self._clock += 1
        state.last_used = self._clock
        if loaded == 0:
            llama_cpp.llama_memory_seq_rm(memory, 0, -1, -1)
            self.states.remove(state)
            return False
        return True

    def clear(self) -> None:
        self.states.clear()
