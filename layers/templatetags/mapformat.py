"""Presentation helpers: Vietnamese conventions for money, percentages and dates."""

from decimal import Decimal

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


def _grouped(value: Decimal, separator: str) -> str:
    return f"{int(value):,}".replace(",", separator)


@register.filter
def vnd(value) -> str:
    """1234567890 → “1.234.567.890 ₫” (vi) or “VND 1,234,567,890” (en); empty → “not given”."""
    if value in (None, ""):
        return _("not given")
    if (get_language() or "vi").startswith("en"):
        return f"VND {_grouped(Decimal(value), ',')}"
    return f"{_grouped(Decimal(value), '.')} ₫"


@register.filter
def percent(value) -> str:
    """35.0 → “35 %” (vi: “35,5 %” for halves); empty → “not given”."""
    if value in (None, ""):
        return _("not given")
    text = f"{float(value):g}"
    if not (get_language() or "vi").startswith("en"):
        text = text.replace(".", ",")
    return f"{text} %"
