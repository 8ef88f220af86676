"""The sandbox for diagram scripts, gateway conditions and timer texts, and the helpers they may call.

Diagrams are edited by policy staff and must be treated as untrusted: SpiffWorkflow's default
environment runs `eval`/`exec` with full builtins. Here every text is compiled with RestrictedPython
(no names starting with `_`, so no dunder walks), imports and a list of dangerous names are refused
at compile time, and only a small set of builtins and the raflow helpers are in scope.
"""

from __future__ import annotations

import ast
import json
import operator
from collections.abc import Callable
from functools import lru_cache

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr_raise,
)
from RestrictedPython.PrintCollector import PrintCollector
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from . import containment
from .errors import LimitExceeded, ScriptError
from .limits import Limits
from .step_errors import ELEMENT_ATTR

# Names a diagram may never use, refused at compile time with a clear message.
FORBIDDEN_NAMES = frozenset({
    "open", "exec", "eval", "compile", "globals", "locals", "vars", "getattr", "setattr", "delattr",
    "input", "breakpoint", "help", "memoryview", "type", "object", "super", "classmethod",
    "staticmethod", "property", "exit", "quit", "__import__", "__builtins__", "dir", "id",
})

_SAFE_BUILTIN_NAMES = (
    "abs all any bool dict divmod enumerate filter float int isinstance len list map max min "
    "range repr reversed round set sorted str sum tuple zip True False None "
    "ValueError KeyError IndexError TypeError ZeroDivisionError"
).split()
_SAFE_BUILTINS = {name: __builtins__[name] if isinstance(__builtins__, dict) else getattr(__builtins__, name)
                  for name in _SAFE_BUILTIN_NAMES}

_INPLACE = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow,
}


def _inplacevar(op, x, y):
    if op in containment.INPLACE_GUARDS:
        return containment.INPLACE_GUARDS[op](x, y)
    if op not in _INPLACE:
        raise ScriptError(f"operator {op} is not allowed")
    return _INPLACE[op](x, y)


def _getattr(obj, name, *default):
    return containment.guarded_method(obj, name, safer_getattr_raise(obj, name, *default))


_SAFE_BUILTINS["range"] = containment.bounded_range
_GUARDS = {
    "__builtins__": _SAFE_BUILTINS,
    "_getattr_": _getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": _inplacevar,
    "_print_": PrintCollector,
    "_apply_": lambda f, *a, **kw: f(*a, **kw),
    **containment.GUARD_FUNCTIONS,
}


class _Refusals(ast.NodeVisitor):
    """What RestrictedPython lets through at compile time but we refuse anyway."""

    def __init__(self):
        self.errors: list[str] = []

    def visit_Import(self, node):
        self.errors.append(f"Line {node.lineno}: import is not allowed in diagram scripts")

    visit_ImportFrom = visit_Import

    def visit_Name(self, node):
        if node.id in FORBIDDEN_NAMES:
            self.errors.append(f"Line {node.lineno}: {node.id!r} is not allowed in diagram scripts")


@lru_cache(maxsize=4096)
def compile_text(source: str, mode: str):
    """Compile a script (`exec`) or expression (`eval`) in the sandbox; cached by text.

    Returns the code object, or raises ScriptError listing every refusal.
    """
    if not isinstance(source, str) or not source.strip():
        raise ScriptError("empty expression" if mode == "eval" else "empty script")
    text = source.strip() if mode == "eval" else source
    errors: list[str] = []
    try:
        tree = ast.parse(text, mode=mode)
    except SyntaxError as err:
        raise ScriptError(f"Line {err.lineno}: syntax error: {err.msg}") from None
    refusals = _Refusals()
    refusals.visit(tree)
    errors.extend(refusals.errors)
    errors.extend(containment.literal_bombs(tree))
    result = (compile_restricted_eval if mode == "eval" else compile_restricted_exec)(
        text, policy=containment.ContainingTransformer)
    errors.extend(e for e in result.errors if e not in errors)
    if errors or result.code is None:
        raise ScriptError("; ".join(dict.fromkeys(errors)) or "could not compile")
    return result.code


def check_text(source: str, mode: str) -> str | None:
    """The sandbox's refusal of a text, or None if it compiles (for lint)."""
    try:
        compile_text(source, mode)
    except ScriptError as err:
        return str(err)
    return None


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """Runs compiled-restricted code with task data as variables and the helpers in scope, each
    evaluation under its own CPU-time budget, and keeps a script's data under the size limit."""

    def __init__(self, limits: Limits | None = None):
        super().__init__()
        self.limits = limits or Limits()

    def evaluate(self, expression, context, external_context=None):
        code = compile_text(expression, "eval")
        scope = self._scope(context, external_context)
        return eval(code, scope)  # noqa: S307 - compiled by RestrictedPython above

    def execute(self, script, context, external_context=None):
        code = compile_text(script, "exec")
        scope = self._scope(context, external_context)
        reserved = set(_GUARDS) | set(external_context or ())
        exec(code, scope)  # noqa: S102 - compiled by RestrictedPython above
        result = {name: value for name, value in scope.items()
                  if not (name in reserved or name.startswith("_") or callable(value))}
        check_data_size(result, self.limits)
        for name in [k for k in context if k not in scope]:
            del context[name]
        context.update(result)
        return True

    def _scope(self, context, external_context):
        helpers = external_context or {}
        clash = sorted(set(helpers).intersection(context))
        if clash:
            raise ScriptError(f"task data overwrites helper name(s) {', '.join(clash)}: rename the field(s)")
        budget = containment.Budget(self.limits.script_seconds)
        scope = dict(_GUARDS)
        scope["_rf_tick_"] = budget.tick
        scope["_getiter_"] = budget.iterate
        scope.update(helpers)
        scope.update(context)
        return scope


def check_data_size(data: dict, limits: Limits) -> None:
    """A case's data (as JSON) stays under the jurisdiction's limit (default 1 MB)."""
    size = len(json.dumps(data, default=str, separators=(",", ":")))
    if size > limits.case_data_bytes:
        raise LimitExceeded(f"the case data would be {size // 1024:,} KB; the limit is "
                            f"{limits.case_data_bytes // 1024:,} KB")


class SandboxScriptEngine(PythonScriptEngine):
    """SpiffWorkflow script engine that runs in the sandbox with per-task helpers.

    `helpers_for(task)` returns the helper functions bound to that task's case (clocks live in
    the top workflow's data), so one engine serves every case of a definition version.
    """

    def __init__(self, helpers_for: Callable[[object], dict], limits: Limits | None = None,
                 flows: dict[tuple[str, str], str] | None = None):
        super().__init__(environment=SandboxEnvironment(limits))
        self.helpers_for = helpers_for
        self.limits = limits or Limits()
        self.flows = flows or {}  # (gateway id, condition text) -> sequence flow id, for messages

    def validate(self, expression):
        compile_text(expression, "eval")

    def evaluate(self, task, expression, external_context=None):
        try:
            return super().evaluate(task, expression, self._context(task, external_context))
        except SpiffWorkflowException as err:
            flow = self.flows.get((getattr(task.task_spec, "bpmn_id", None), (expression or "").strip()))
            if flow:  # a gateway's condition: the sequence flow is where the author must look
                setattr(err, ELEMENT_ATTR, flow)
            raise

    def execute(self, task, script, external_context=None):
        return super().execute(task, script, self._context(task, external_context))

    def _context(self, task, external_context):
        helpers = self.helpers_for(task)
        if external_context:
            helpers.update(external_context)
        return helpers
