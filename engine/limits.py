"""Bounds on what a diagram may make the engine do: the `[limits]` table of a jurisdiction's config.

Diagrams are untrusted input (issue 8): every script, condition and timer text runs under a CPU-time
budget, sequences and numbers a script builds are bounded before they are allocated, and a case's
data has a size limit. Policy staff may tune the budget and the data size per jurisdiction:

    [limits]
    script_seconds = 1      # CPU seconds one script, condition or timer text may take (0.05 .. 30)
    case_data_kb = 1024     # size of a case's data as JSON (16 .. 16384)
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import Problem

MAX_SEQUENCE = 1_000_000          # elements or characters one operation may build (1 MB of text)
MAX_INT_BITS = 100_000            # about 30,000 decimal digits
MAX_STEPS = 10_000_000            # loop iterations and calls in one evaluation
MIN_CYCLE_SECONDS = 60            # a repeating timer fires at most once a minute
MAX_CYCLE_REPEATS = 1000


@dataclass(frozen=True)
class Limits:
    script_seconds: float = 1.0
    case_data_bytes: int = 1024 * 1024

    @classmethod
    def from_config(cls, cfg: dict) -> Limits:
        table = cfg.get("limits") if isinstance(cfg.get("limits"), dict) else {}
        return cls(float(table.get("script_seconds", 1.0)), int(table.get("case_data_kb", 1024)) * 1024)

    def seconds_text(self) -> str:
        return f"{self.script_seconds:g} s"


_RANGES = {"script_seconds": (0.05, 30.0), "case_data_kb": (16, 16384)}


def limits_problems(cfg: dict, filename: str, line_of) -> list[Problem]:
    table = cfg.get("limits", {})
    if not isinstance(table, dict):
        return [Problem(filename, line_of("limits"), "limits", "[limits] must be a table")]
    problems = []
    for key, value in table.items():
        if key not in _RANGES:
            problems.append(Problem(filename, line_of(key), key,
                                    f"unknown limit {key!r} (known: {', '.join(_RANGES)})"))
            continue
        low, high = _RANGES[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            problems.append(Problem(filename, line_of(key), key, f"{key} must be a number from {low:g} to {high:g}"))
    return problems
