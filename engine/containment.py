"""Time and size bounds for diagram code: a CPU-time budget checked inside every loop, call and
iteration, and operations that refuse to build a huge value *before* they allocate it.

Why not signals: SIGALRM works only in the main thread, and raflow runs scripts in gunicorn worker
threads and the timer worker. Instead the RestrictedPython transformer (`ContainingTransformer`) puts
a budget check at the head of every `while` body and every function, every `for`/comprehension
iterates through a checking iterator, and `**`, `*`, `+`, `<<`, `%` and f-string formats go
through guards. A budget that ran out stays exceeded, so a script that catches the error is stopped
again at its next loop turn.
"""

from __future__ import annotations

import ast
import math
import re
import string
import time

from RestrictedPython import RestrictingNodeTransformer

from .errors import LimitExceeded
from .limits import MAX_INT_BITS, MAX_SEQUENCE, MAX_STEPS

_SEQUENCES = (str, bytes, list, tuple)


class Budget:
    """The CPU-time (thread time, so other threads' work does not count), wall-time (twice the CPU
    budget) and step allowance of one evaluation."""

    __slots__ = ("seconds", "deadline", "wall_deadline", "steps", "spent")

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.deadline = time.thread_time() + seconds
        self.wall_deadline = time.monotonic() + 2 * seconds  # a busy machine must not hold a worker longer
        self.steps = 0
        self.spent = False

    def tick(self, value=None):
        self.steps += 1
        if self.spent or (self.steps & 127) == 0 and self._over():
            self.spent = True
            raise LimitExceeded(f"took longer than {self.seconds:g} s")
        return value

    def _over(self) -> bool:
        return time.thread_time() > self.deadline or time.monotonic() > self.wall_deadline or self.steps > MAX_STEPS

    def iterate(self, ob):
        tick = self.tick
        for item in ob:
            tick()
            yield item


# -- guarded operations ---------------------------------------------------------------------------
def _too_big(what: str, size: int) -> LimitExceeded:
    return LimitExceeded(f"{what} would be too large ({size:,} > {MAX_SEQUENCE:,})")


def _int_bits(value) -> int:
    return abs(value).bit_length() if isinstance(value, int) else 0


def guarded_pow(base, exponent):
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1:
        bits = exponent * math.log2(abs(base))
        if bits > MAX_INT_BITS:
            raise LimitExceeded(f"a power with about {int(bits * 0.30103):,} digits is too large")
    return base**exponent


def guarded_mul(a, b):
    for seq, n in ((a, b), (b, a)):
        if isinstance(seq, _SEQUENCES) and isinstance(n, int) and len(seq) * max(n, 0) > MAX_SEQUENCE:
            raise _too_big("a repeated sequence", len(seq) * n)
    if isinstance(a, int) and isinstance(b, int) and _int_bits(a) + _int_bits(b) > MAX_INT_BITS:
        raise LimitExceeded("a product with more than 30,000 digits is too large")
    return a * b


def guarded_add(a, b):
    if isinstance(a, _SEQUENCES) and isinstance(b, _SEQUENCES) and len(a) + len(b) > MAX_SEQUENCE:
        raise _too_big("a joined sequence", len(a) + len(b))
    return a + b


def guarded_lshift(a, b):
    if isinstance(a, int) and isinstance(b, int) and _int_bits(a) + b > MAX_INT_BITS:
        raise LimitExceeded("a shift with more than 30,000 digits is too large")
    return a << b


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_NUMBER = re.compile(r"\d+")


def _check_widths(spec: str) -> None:
    if "*" in spec and "%" in spec:
        for m in _PERCENT_SPEC.finditer(spec):
            if "*" in (m.group(1) or "", m.group(2) or ""):
                raise LimitExceeded("'*' widths are not allowed in % formats")
    if any(int(n) > MAX_SEQUENCE for n in _NUMBER.findall(spec)):
        raise LimitExceeded(f"a format width over {MAX_SEQUENCE:,} is too large")


def guarded_mod(a, b):
    if isinstance(a, str | bytes):
        _check_widths(a if isinstance(a, str) else a.decode("latin-1"))
    return a % b


def guarded_format(value, spec, conversion=-1):
    """An f-string field `{value!conversion:spec}` with its width bounded."""
    if conversion == ord("r"):
        value = repr(value)
    elif conversion == ord("s"):
        value = str(value)
    elif conversion == ord("a"):
        value = ascii(value)
    spec = str(spec)
    _check_widths(spec)
    return format(value, spec)


def _check_format_string(text: str) -> None:
    for _, _, spec, _ in string.Formatter().parse(text):
        if spec:
            _check_widths(spec)
            if "{" in spec:
                raise LimitExceeded("nested format fields are not allowed in str.format")


def _width_method(method):
    def bounded(width, *args):
        if isinstance(width, int) and width > MAX_SEQUENCE:
            raise _too_big("a padded string", width)
        return method(width, *args)

    return bounded


def guarded_method(obj, name, value):
    """Size-checking wrappers for the str/bytes/list methods that can build a huge value."""
    if isinstance(obj, str | bytes):
        if name in ("ljust", "rjust", "center", "zfill"):
            return _width_method(value)
        if name == "expandtabs":
            return lambda tabsize=8: (_raise(_too_big("an expanded string", len(obj) * tabsize))
                                      if len(obj) * tabsize > MAX_SEQUENCE else value(tabsize))
        if name == "join":
            def join(items):
                items = list(items)
                size = sum(len(i) for i in items if isinstance(i, str | bytes)) + len(obj) * len(items)
                if size > MAX_SEQUENCE:
                    raise _too_big("a joined string", size)
                return value(items)
            return join
        if name == "replace":
            def replace(old, new, *args):
                worst = len(obj) + (obj.count(old) if old else len(obj) + 1) * len(new)
                if worst > MAX_SEQUENCE:
                    raise _too_big("a replaced string", worst)
                return value(old, new, *args)
            return replace
        if name in ("format", "format_map") and isinstance(obj, str):
            _check_format_string(obj)
    if isinstance(obj, list) and name == "extend":
        def extend(items):
            items = list(items)
            if len(obj) + len(items) > MAX_SEQUENCE:
                raise _too_big("an extended list", len(obj) + len(items))
            return value(items)
        return extend
    return value


def _raise(err):
    raise err


def bounded_range(*args):
    r = range(*args)
    try:
        size = len(r)
    except OverflowError:
        size = MAX_SEQUENCE + 1
    if size > MAX_SEQUENCE:
        raise LimitExceeded(f"range() with more than {MAX_SEQUENCE:,} numbers is too large")
    return r


BIN_GUARDS = {ast.Pow: "_rf_pow_", ast.Mult: "_rf_mul_", ast.Add: "_rf_add_", ast.LShift: "_rf_lshift_",
              ast.Mod: "_rf_mod_"}
GUARD_FUNCTIONS = {"_rf_pow_": guarded_pow, "_rf_mul_": guarded_mul, "_rf_add_": guarded_add,
                   "_rf_lshift_": guarded_lshift, "_rf_mod_": guarded_mod, "_rf_format_": guarded_format}
INPLACE_GUARDS = {"**=": guarded_pow, "*=": guarded_mul, "+=": guarded_add,
                  "%=": guarded_mod}


# -- the transformer ------------------------------------------------------------------------------
def _call(name: str, *args) -> ast.Call:
    return ast.Call(func=ast.Name(name, ast.Load()), args=list(args), keywords=[])


def _located(new, old):
    ast.copy_location(new, old)
    return ast.fix_missing_locations(new)


def _tick_stmt(node) -> ast.stmt:
    return _located(ast.Expr(_call("_rf_tick_")), node)


class ContainingTransformer(RestrictingNodeTransformer):
    """RestrictedPython's checks, plus the budget checks and guarded operations described above."""

    def visit_While(self, node):
        node = super().visit_While(node)
        node.body.insert(0, _tick_stmt(node))
        return node

    def visit_FunctionDef(self, node):
        node = super().visit_FunctionDef(node)
        node.body.insert(0, _tick_stmt(node))
        return node

    def visit_Lambda(self, node):
        node = super().visit_Lambda(node)
        node.body = _located(_call("_rf_tick_", node.body), node.body)
        return node

    def visit_BinOp(self, node):
        node = super().visit_BinOp(node)
        name = BIN_GUARDS.get(type(node.op))
        if name is None:
            return node
        return _located(_call(name, node.left, node.right), node)

    def visit_FormattedValue(self, node):
        node = super().visit_FormattedValue(node)
        if node.format_spec is None:
            return node
        call = _call("_rf_format_", node.value, node.format_spec, ast.Constant(node.conversion))
        return _located(ast.FormattedValue(value=call, conversion=-1, format_spec=None), node)


# -- what lint can see ----------------------------------------------------------------------------
_FOLD = {ast.Pow: guarded_pow, ast.Mult: guarded_mul, ast.Add: guarded_add, ast.LShift: guarded_lshift,
         ast.Mod: guarded_mod, ast.Sub: lambda a, b: a - b}


def literal_bombs(tree: ast.AST) -> list[str]:
    """Refusals visible without running: constant expressions over a bound, range() of a huge constant,
    and `while True` loops with no break (they can only end by running out of time)."""
    found: list[str] = []

    def fold(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float | str | bytes):
            return True, node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            ok, value = fold(node.operand)
            return (True, -value) if ok and isinstance(value, int | float) else (False, None)
        if isinstance(node, ast.BinOp) and type(node.op) in _FOLD:
            (lok, left), (rok, right) = fold(node.left), fold(node.right)
            if lok and rok:
                try:
                    return True, _FOLD[type(node.op)](left, right)
                except LimitExceeded as err:
                    found.append(f"Line {node.lineno}: {err}")
                except Exception:  # noqa: BLE001 - e.g. 1 % 0: left to run time
                    pass
        return False, None

    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp):
            fold(node)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range":
            args = [fold(a) for a in node.args]
            if args and all(ok and isinstance(v, int) for ok, v in args):
                try:
                    bounded_range(*[v for _, v in args])
                except LimitExceeded as err:
                    found.append(f"Line {node.lineno}: {err}")
                except (TypeError, ValueError):
                    pass
        elif isinstance(node, ast.While) and isinstance(node.test, ast.Constant) and node.test.value \
                and not any(isinstance(n, ast.Break | ast.Return) for n in ast.walk(node)):
            found.append(f"Line {node.lineno}: this loop never ends (while True without break)")
    return list(dict.fromkeys(found))
