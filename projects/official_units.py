"""The official codes and names of the administrative units since the 2025 reform, from the
PyPI package vietnam-provinces (docs/admin-units.md).

The package lists the 34 provinces and their 3,321 communes, wards and special zones as the
General Statistics Office published them for 1 July 2025: code, Vietnamese name and kind, no
boundary and no link to the units they replaced. Bình Định (52) merged into the new Gia Lai,
which took over the code 52; the new Gia Lai's 135 communes and wards keep the code of one of
the communes merged into each, so those whose codes lie in the former Bình Định's range
(21550–22999; the former Gia Lai's start at 23563) are the 58 that cover its area.

`official_rows` gives the new province and those 58 as rows for projects.unit_imports (valid
from 1 July 2025, no boundary); `mismatches` compares loaded units with the list.
"""

import datetime
import unicodedata
from dataclasses import dataclass

import vietnam_provinces
from django.utils.translation import gettext as _
from vietnam_provinces import Province, VietNamDivisionType, Ward

from projects.models import PLAN_PROVINCE_CODE, REFORM_DATE, AdminKind, AdminLevel

PACKAGE_VERSION = vietnam_provinces.__version__
DATA_VERSION = vietnam_provinces.__data_version__  # the day the package's data was retrieved
SOURCE = (
    f"vietnam-provinces {PACKAGE_VERSION} (GSO list, retrieved {DATA_VERSION}): official code "
    "and name; no boundary"
)
# The GSO codes of the former Bình Định's communes: each new unit whose code lies here covers
# part of its area.
FORMER_AREA_CODES = range(21550, 23000)

KINDS = {
    VietNamDivisionType.TINH: (AdminLevel.PROVINCE, AdminKind.PROVINCE),
    VietNamDivisionType.THANH_PHO_TRUNG_UONG: (AdminLevel.PROVINCE, AdminKind.CITY),
    VietNamDivisionType.PHUONG: (AdminLevel.COMMUNE, AdminKind.WARD),
    VietNamDivisionType.XA: (AdminLevel.COMMUNE, AdminKind.COMMUNE),
}
ENGLISH_KINDS = {AdminKind.PROVINCE: "Province", AdminKind.CITY: "City",
                 AdminKind.WARD: "Ward", AdminKind.COMMUNE: "Commune"}  # fmt: skip
PREFIXES = ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu ", "Thị trấn ")


@dataclass(frozen=True)
class OfficialUnit:
    code: str
    name: str
    name_en: str
    level: str
    kind: str


def bare_name(name: str) -> str:
    """The name without the kind in front ("Phường Quy Nhơn Bắc" → "Quy Nhơn Bắc")."""
    name = unicodedata.normalize("NFC", name).strip()
    for prefix in PREFIXES:
        if name.casefold().startswith(prefix.casefold()):
            return name[len(prefix) :]
    return name


def english_name(name: str, kind: str) -> str:
    """ "Phường Quy Nhơn Bắc" → "Quy Nhon Bac Ward": the usual English form, without marks."""
    letters = unicodedata.normalize("NFD", bare_name(name).replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in letters if unicodedata.category(c) != "Mn")
    return f"{plain} {ENGLISH_KINDS[kind]}"


def _official(division, code: int) -> OfficialUnit:
    if division.division_type not in KINDS:
        raise ValueError(
            f"{division.name} ({code}) is a {division.division_type.value}, which the "
            "administrative unit kinds do not include yet."
        )
    level, kind = KINDS[division.division_type]
    return OfficialUnit(str(code), division.name, english_name(division.name, kind), level, kind)


def lookup(code: str) -> OfficialUnit | None:
    """The official unit with this code (a province's two digits or a commune's five), or
    None when the list has none."""
    if not code.isdigit():
        return None
    try:
        if len(code) <= 2:
            return _official(Province.from_code(int(code)), int(code))
        return _official(Ward.from_code(int(code)), int(code))
    except ValueError:
        return None


def former_area(province: str = PLAN_PROVINCE_CODE) -> list[OfficialUnit]:
    """The province that took over the plan's province, then its communes and wards covering
    the plan's province, by code."""
    found = Province.from_code(int(province))
    wards = [
        w for w in Ward.iter_by_province(found.code) if int(w.code) in FORMER_AREA_CODES
    ]  # fmt: skip
    return [_official(found, int(found.code))] + [
        _official(w, int(w.code)) for w in sorted(wards, key=lambda w: int(w.code))
    ]


def official_rows(province: str = PLAN_PROVINCE_CODE, valid_from: datetime.date = REFORM_DATE):
    """projects.unit_imports rows for `former_area`: the code, Vietnamese name, level, kind,
    parent and start are the list's; the English name and the source only for a new row (a
    person may have improved them since); no boundary, so none is erased."""
    from projects.unit_imports import UnitRow

    units = former_area(province)
    rows = []
    for index, unit in enumerate(units, start=1):
        parent = units[0].code if unit.level != AdminLevel.PROVINCE else None
        values = {"code": unit.code, "name": unit.name, "level": unit.level, "kind": unit.kind,
                  "valid_from": valid_from, "parent": parent}  # fmt: skip
        rows.append(UnitRow(index, values, defaults={"name_en": unit.name_en, "source": SOURCE}))
    return rows


def mismatches(units) -> list[str]:
    """Warnings for the units (AdminUnit objects) in force on or after the reform whose code
    the official list lacks, or whose name or kind differs from the list's."""
    warnings = []
    for unit in units:
        if unit.valid_to is not None and unit.valid_to < REFORM_DATE:
            continue  # before the reform: the list does not know those units
        official = lookup(unit.code)
        if official is None:
            warnings.append(
                _("%(code)s %(name)s: no unit has this code in the official list "
                  "(vietnam-provinces, data of %(date)s).")
                % {"code": unit.code, "name": unit.name, "date": DATA_VERSION}
            )  # fmt: skip
            continue
        if bare_name(unit.name).casefold() != bare_name(official.name).casefold():
            warnings.append(
                _("%(code)s: the name is “%(name)s”, the official list says “%(official)s”.")
                % {"code": unit.code, "name": unit.name, "official": official.name}
            )
        if unit.kind != official.kind:
            warnings.append(
                _("%(code)s %(name)s: the kind is %(kind)s, the official list says %(official)s.")
                % {"code": unit.code, "name": unit.name, "kind": unit.kind,
                   "official": official.kind}
            )  # fmt: skip
    return warnings
