"""The one exception type whose message is shown to the user as it is."""


class UserError(Exception):
    """A problem the user can act on; str(error) is one sentence that says what to do."""
