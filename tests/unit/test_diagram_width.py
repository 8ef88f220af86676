"""Every shipped diagram can be followed at 100 % zoom: at most two screens wide.

Issue 10 ("diagrams policy staff can read"): a reader follows the main path without zooming out until the names
are unreadable. The width is read from the diagram interchange (every shape, label and edge point), so a long
flow or a far label counts too. Where the manual has natural steps, a long process is split into called
processes (docs/authoring.md, "Called processes").
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
DIAGRAMS = sorted((ROOT / "processes").glob("*/*.bpmn"))
MAX_WIDTH = 4000  # px at 100 %: two 1920 px screens
DC = "{http://www.omg.org/spec/DD/20100524/DC}"
DI = "{http://www.omg.org/spec/DD/20100524/DI}"


def drawn_width(path: Path) -> float:
    """The distance from the leftmost to the rightmost drawn point of the diagram."""
    root = etree.parse(str(path)).getroot()
    xs = []
    for b in root.iter(f"{DC}Bounds"):
        x, w = float(b.get("x")), float(b.get("width"))
        xs += [x, x + w]
    xs += [float(p.get("x")) for p in root.iter(f"{DI}waypoint")]
    return max(xs) - min(xs)


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_diagram_fits_two_screens(path):
    width = drawn_width(path)
    assert width <= MAX_WIDTH, f"{path.parent.name}/{path.name} is {width:.0f} px wide (at most {MAX_WIDTH})"
