"""What a refused change of a prevention declaration says."""

from ..lines import LineError


class LifecycleError(ValueError):
    """A refused change, with its French message and, for a correction that breaks a
    rule, the errors per official column."""

    def __init__(self, message: str, errors: list[LineError] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []
