"""The base of every error a user can cause: its message is shown as it is, never a traceback."""


class WorkbenchError(Exception):
    """A user's mistake or an unusable input; the message says what is wrong and is safe to show."""
