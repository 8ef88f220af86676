"""One rule for errors raised while the engine runs a step: a located message, never a traceback.

Every place that runs diagram code (start, complete, events, timers, the clock re-evaluation in
save_case, incident retries) wraps it in `engine_errors()`, so a script, condition or timer text
that fails or runs over its budget becomes a ScriptError / LimitExceeded naming its element, which
the web layer turns into a 422 and the worker into an incident.
"""

from __future__ import annotations

from SpiffWorkflow.exceptions import SpiffWorkflowException

from .errors import ClockRefused, FieldError, LimitExceeded, RaflowError, ScriptError, ValidationFailed

ELEMENT_ATTR = "raflow_element"  # set by the script engine when it knows better (a sequence flow)
CLOCK_ERROR = "_clock"  # the error key of a refused clock change (no one field is at fault)


class engine_errors:
    """Turn SpiffWorkflow errors inside a step into ScriptError naming the element."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is None or isinstance(exc, RaflowError) and not isinstance(exc, ScriptError) \
                and not hasattr(exc, ELEMENT_ATTR):
            return False
        if isinstance(exc, (SpiffWorkflowException, ScriptError)):
            refused = _inner(exc, FieldError)
            if refused is not None:  # a script named the field at fault: a field error, entries kept
                raise ValidationFailed({refused.field: refused.message}) from exc
            clock_said = _inner(exc, ClockRefused)
            if clock_said is not None:  # the entered dates are at fault: say why, entries kept
                raise ValidationFailed({CLOCK_ERROR: f"The deadline clock cannot take these entries: {clock_said}. "
                                                     "Check the dates and submit again."}) from exc
            where = element_of(exc)
            inner = _inner(exc, LimitExceeded)
            if inner is not None:
                raise LimitExceeded(f"{where}: {inner}") from exc
            raise ScriptError(f"{where}: {_first_line(exc)}") from exc
        return False


def _chain(exc, depth: int = 10):
    while exc is not None and depth > 0:
        yield exc
        exc, depth = exc.__cause__ or exc.__context__, depth - 1


def element_of(exc) -> str:
    """The sequence flow whose condition failed, else the task's element, else '?'."""
    for err in _chain(exc):
        if getattr(err, ELEMENT_ATTR, None):
            return getattr(err, ELEMENT_ATTR)
    for err in _chain(exc):
        spec = getattr(getattr(err, "task", None), "task_spec", None)
        if getattr(spec, "bpmn_id", None):
            return spec.bpmn_id
    return getattr(exc, "id", None) or "?"


def _inner(exc, kind):
    """The `kind` error a SpiffWorkflow error was raised from (its exception chain), if any."""
    return next((err for err in _chain(exc) if isinstance(err, kind)), None)


def _first_line(exc) -> str:
    inner = getattr(exc, "exception", None) or exc
    return str(inner).splitlines()[0] if str(inner) else type(inner).__name__
