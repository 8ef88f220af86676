"""How wide a diagram label is when bpmn-js draws it, so layouts and the layout test agree.

bpmn-js measures text in the browser and breaks a word that is wider than its box mid-way. We
estimate widths with DejaVu Sans advance widths (the fallback font for "Arial, sans-serif" on
Debian, and wider than Arial), rounded up, so a label that fits here fits on screen.
"""

from __future__ import annotations

# advance widths in 1/2048 em (DejaVu Sans Book), rounded up; other characters count as "M"-ish.
_WIDTHS = {
    " ": 651, "a": 1255, "b": 1300, "c": 1126, "d": 1300, "e": 1260, "f": 721, "g": 1300, "h": 1298,
    "i": 569, "j": 569, "k": 1186, "l": 569, "m": 1995, "n": 1298, "o": 1253, "p": 1300, "q": 1300,
    "r": 842, "s": 1067, "t": 803, "u": 1298, "v": 1212, "w": 1675, "x": 1212, "y": 1212, "z": 1075,
    "A": 1401, "B": 1405, "C": 1430, "D": 1577, "E": 1294, "F": 1178, "G": 1589, "H": 1540, "I": 604,
    "J": 604, "K": 1343, "L": 1141, "M": 1767, "N": 1532, "O": 1612, "P": 1235, "Q": 1612, "R": 1423,
    "S": 1300, "T": 1251, "U": 1499, "V": 1401, "W": 2025, "X": 1403, "Y": 1251, "Z": 1403,
    "0": 1303, "1": 1303, "2": 1303, "3": 1303, "4": 1303, "5": 1303, "6": 1303, "7": 1303, "8": 1303,
    "9": 1303, "(": 799, ")": 799, ",": 651, ".": 651, "-": 739, "/": 690, ":": 690, ";": 690,
    "?": 1087, "'": 563, "\u2019": 563, "&": 1595, "§": 1024, "%": 1946, "+": 1716, "=": 1716,
}
_DEFAULT = 1500
TASK_FONT = 12.0      # bpmn-js default font size (embedded labels)
EXTERNAL_FONT = 11.0  # external labels (events, gateways, flows): one point smaller
LINE_HEIGHT = 1.2
TASK_PADDING = 7      # bpmn-js pads a task's label by 7 px on each side


def text_width(text: str, font: float) -> float:
    return sum(_WIDTHS.get(ch, _DEFAULT) for ch in text) * font / 2048 * 1.04


def wrap(text: str, width: float, font: float) -> list[str] | None:
    """Greedy word wrap as bpmn-js does it; None when a single word is wider than `width`."""
    lines: list[str] = []
    for word in (text or "").split():
        if text_width(word, font) > width:
            return None
        if lines and text_width(lines[-1] + " " + word, font) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def text_height(lines: int, font: float) -> float:
    return lines * font * LINE_HEIGHT
