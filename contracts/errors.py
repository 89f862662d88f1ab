"""Errors the domain raises for bad input or bad policy data."""


class CaseError(ValueError):
    """A case (or any input) is invalid: names the field and, where it helps, the allowed values.

    `str()` is one line, for the CLI; `field`, `message` and `allowed` feed field-level API errors.
    `reason` names what is wrong where one field can be wrong in several ways, so that a page
    can say it in its own words (portal.refusals).
    """

    def __init__(self, field: str, message: str, allowed=None, reason: str | None = None):
        self.field = field
        self.message = message
        self.allowed = list(allowed) if allowed is not None else None
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        line = f"{self.field}: {self.message}"
        if self.allowed:
            line += f" (allowed: {', '.join(str(a) for a in self.allowed)})"
        return line


class PolicyError(ValueError):
    """The policy data of a year is inconsistent; raised when it is loaded."""
