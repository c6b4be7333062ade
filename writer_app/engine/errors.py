"""Errors the engine raises, each a sentence that tells the user what to do."""

from writer_app.errors import UserError


class ModelFileError(UserError):
    """The model file is missing, not a GGUF file, truncated or otherwise unusable."""


class NotEnoughMemoryError(UserError):
    """The model would not fit in the memory that is free right now."""


class ContextOverflowError(UserError):
    """The text is too long for the model's context window."""


class GenerationError(UserError):
    """The model failed while generating."""


class ServerError(UserError):
    """A model server could not be reached, refused a request or failed; `status` is its HTTP status."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status
