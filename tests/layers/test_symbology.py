"""Colour means status, and status never relies on colour alone.

The colour differences are computed, not eyeballed: sRGB → linear RGB, simulated with the
matrices of Machado, Oliveira & Fernandes (2009, severity 1) for protanopia, deuteranopia and
tritanopia, or reduced to luminance for greyscale, then compared in CIELAB (ΔE*ab, 1976).
"""

import itertools
import math

import pytest

from layers.styles import CLUSTER_STYLE, SHAPES, STATUS_STYLES
from projects.models import Status

DEFICIENCIES = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602),
                   (0.004733, 0.691367, 0.303900)),
}  # fmt: skip
# ΔE*ab 2.3 is a just-noticeable difference; symbols on a map need far more.
NORMAL_MIN = 20  # every two statuses, normal vision
DEFICIENT_MIN = 8  # each simulated deficiency (shapes and dashes carry the rest)
CLUSTER_MIN = 25  # a cluster bubble's fill against every status, whatever the vision


def linear(hex_colour: str) -> list[float]:
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]


def seen(rgb: list[float], vision: str) -> list[float]:
    if vision == "normal":
        return rgb
    if vision == "greyscale":
        y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
        return [y, y, y]
    matrix = DEFICIENCIES[vision]
    return [min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb, strict=True)))) for row in matrix]


def lab(rgb: list[float]) -> tuple[float, float, float]:
    x = 0.4124 * rgb[0] + 0.3576 * rgb[1] + 0.1805 * rgb[2]
    y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    z = 0.0193 * rgb[0] + 0.1192 * rgb[1] + 0.9505 * rgb[2]

    def f(t):
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = f(x / 0.95047), f(y), f(z / 1.08883)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e(a: str, b: str, vision: str) -> float:
    return math.dist(lab(seen(linear(a), vision)), lab(seen(linear(b), vision)))


PAIRS = list(itertools.combinations(STATUS_STYLES, 2))


def test_the_arithmetic_matches_known_values():
    assert delta_e("#ffffff", "#000000", "normal") == pytest.approx(100, abs=0.01)
    assert delta_e("#ff0000", "#ff0000", "protanopia") == 0
    # Red and green collapse for a protanope and a deuteranope, not for a tritanope.
    assert delta_e("#d62728", "#2ca02c", "normal") > 60
    assert delta_e("#d62728", "#2ca02c", "deuteranopia") < delta_e(
        "#d62728", "#2ca02c", "tritanopia"
    )


def test_every_status_has_a_style():
    assert set(STATUS_STYLES) == set(Status)


@pytest.mark.parametrize("vision", ["normal", *DEFICIENCIES])
def test_status_colours_stay_apart(vision):
    least = NORMAL_MIN if vision == "normal" else DEFICIENT_MIN
    close = [
        (str(a), str(b), round(delta_e(STATUS_STYLES[a]["color"], STATUS_STYLES[b]["color"],
                                       vision), 1))
        for a, b in PAIRS
        if delta_e(STATUS_STYLES[a]["color"], STATUS_STYLES[b]["color"], vision) < least
    ]  # fmt: skip
    assert close == [], f"{vision}: statuses closer than ΔE {least}: {close}"


def _dash(style) -> tuple:
    """A line's look without colour: its dash pattern (normalised), weight and centre line."""
    pattern = tuple(float(n) for n in style["dash"].split())
    return pattern, style["weight"], style["centre"]


def test_without_colour_every_status_still_has_its_own_point_shape_and_line():
    # Greyscale flattens eight colours into a few greys: shapes and lines carry the status.
    shapes = [style["shape"] for style in STATUS_STYLES.values()]
    lines = [_dash(style) for style in STATUS_STYLES.values()]
    assert len(set(shapes)) == len(shapes) and set(shapes) <= set(SHAPES)
    assert len(set(lines)) == len(lines)
    # Where tiles draw lines (no centre line), the weight or dash still differs.
    tile_lines = [(style["dash"], style["weight"]) for style in STATUS_STYLES.values()]
    assert len(set(tile_lines)) == len(tile_lines)


@pytest.mark.parametrize("vision", ["normal", "greyscale", *DEFICIENCIES])
def test_clusters_never_look_like_a_status(vision):
    near = {
        str(status): round(delta_e(CLUSTER_STYLE["fill"], style["color"], vision), 1)
        for status, style in STATUS_STYLES.items()
        if delta_e(CLUSTER_STYLE["fill"], style["color"], vision) < CLUSTER_MIN
    }
    assert near == {}
    assert CLUSTER_STYLE["fill"] not in {style["color"] for style in STATUS_STYLES.values()}
