"""Domain errors. The API and CLI map each to a status code or exit message; none carries medical data."""


class RaflowError(Exception):
    """Base for errors a user can act on; `str(err)` is safe to show."""


class NotFound(RaflowError):
    pass


class Forbidden(RaflowError):
    pass


class Conflict(RaflowError):
    """A stale write: someone else changed the case or completed the task first."""


class ValidationFailed(RaflowError):
    """Form data did not match its schema; `errors` maps field name to a message."""

    def __init__(self, errors: dict[str, str], message: str = "The form has errors"):
        super().__init__(message)
        self.errors = errors


class DefinitionError(RaflowError):
    """A diagram, form or config that cannot be deployed; `problems` are lint lines."""

    def __init__(self, problems: list, message: str | None = None):
        super().__init__(message or f"{len(problems)} problem(s) in the definition")
        self.problems = problems


class ScriptError(RaflowError):
    """A diagram script, condition or timer that the sandbox refused or that failed."""


class FieldError(ScriptError):
    """A diagram script refused a value the step entered (`field_error(name, message)`): the step comes
    back as a field error on that field, with the entries kept, and nothing is saved."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


class ClockRefused(ScriptError):
    """A legal clock refused the change a step's entries asked for (resumed on a day before it was held,
    an expedited due date outside its window): the entries are at fault, not the diagram, so the step
    comes back with the clock's reason and the entries kept, as for a field error; nothing is saved."""


class LimitExceeded(ScriptError):
    """A diagram step went over a bound (CPU time, value size, case data size): the step is refused."""


class Problem:
    """One lint finding, printed as `FILE:LINE: ELEMENT_ID: message`."""

    __slots__ = ("file", "line", "element", "message")

    def __init__(self, file: str, line: int | None, element: str | None, message: str):
        self.file, self.line, self.element, self.message = file, line, element, message

    def __str__(self) -> str:
        return f"{self.file}:{self.line or 1}: {self.element or '-'}: {self.message}"

    def __repr__(self) -> str:
        return f"Problem({str(self)!r})"
