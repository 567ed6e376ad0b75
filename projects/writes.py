"""Writes arriving as GeoJSON Features, for the REST API and OGC API – Features Part 4 alike:
reading a Feature into the changes the write path takes, the per-project ETag with its If-Match
rule, who may write (401/403), and the create / change / delete each surface calls with its
own door, so both surfaces validate, refuse and answer stale writes the same way.

A Feature in has the shape a read gives out, so a client can GET, edit and PUT it back: the
read-only properties (names of codes, labels, the URL) are accepted and ignored. Values are
converted by the model's own fields and then validated by the write path (`full_clean`, the
geometry gate), exactly as in the admin.
"""

import re

import orjson
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from geo.crs import STORAGE_SRID, to_storage
from geo.errors import (
    BadRequest,
    Forbidden,
    NotAuthenticated,
    PreconditionFailed,
    PreconditionRequired,
)
from projects import access, actions
from projects.actions import StaleVersion
from projects.models import Agency, Project, Sector

# Properties a Feature may set, besides its geometry: the model field each one writes.
WRITABLE = [
    "code", "name", "name_en", "description", "description_en", "sector", "project_type",
    "status", "progress_pct", "disbursement_pct", "lead_agency", "priority", "planned_start",
    "planned_end", "actual_start", "actual_end", "total_investment_vnd", "capital_sources",
    "location_precision", "location_note", "location_note_en", "plan_reference",
    "is_illustrative", "is_published", "source_srid",
]  # fmt: skip
READ_ONLY = ["sector_name", "status_label", "oc4ids_status", "lead_agency_name", "url",
             "publication"]  # fmt: skip
BY_CODE = {"sector": Sector, "lead_agency": Agency}
# The model's field names as a Feature spells them.
SPELLING = {"geom": "geometry"}


def etag(project: Project) -> str:
    """The strong ETag of one project: its version, which every write bumps."""
    return f'"v{project.version}"'


# `"v3"` as a write answers, `"v3.<hash>"` as a read does. A weak `W/` form is accepted too:
# gzip (Django's GZipMiddleware) weakens the ETag of a compressed answer, and the version alone
# decides whether the write is based on the current project.
_TAG = re.compile(r'^(?:W/)?"v(\d{1,9})(?:\.[0-9a-f]{1,64})?"$')


def expected_version(request, project: Project) -> int:
    """The version the caller read, from If-Match: 428 without it, 412 when it is stale."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        raise PreconditionRequired(
            _(
                "Send the ETag you read in an If-Match header (GET %(code)s gives it, e.g. "
                'If-Match: "v%(version)s"): without it your change could overwrite someone '
                "else's."
            )
            % {"code": project.code, "version": project.version}
        )
    versions = [int(m[1]) for tag in header.split(",") if (m := _TAG.match(tag.strip()))]
    if project.version in versions:
        return project.version
    raise stale(project, project.version)


def stale(project: Project, current: int | None) -> PreconditionFailed:
    if current is None:
        message = _("%(code)s was deleted after you read it; nothing was written.") % {
            "code": project.code
        }
    else:
        message = _(
            "%(code)s changed after you read it: it is now at version %(current)s (ETag "
            '"v%(current)s"). Read it again, redo your change on that version and send the '
            "new ETag in If-Match; nothing was written."
        ) % {"code": project.code, "current": current}
    return PreconditionFailed(message, current=current)


def from_stale(project: Project, error: StaleVersion) -> PreconditionFailed:
    """The write path's compare-and-set lost a race: the same 412 as a stale If-Match."""
    return stale(project, error.current)


def parse_body(raw: bytes) -> dict:
    try:
        feature = orjson.loads(raw or b"null")
    except orjson.JSONDecodeError as error:
        raise BadRequest(_("The body is not JSON: %(error)s") % {"error": error}) from error
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise BadRequest(
            _('Send one GeoJSON Feature ({"type": "Feature", "geometry": …, "properties": …}).')
        )
    return feature


def read_feature(
    feature: dict, *, partial: bool, project: Project | None = None,
    srid: int = STORAGE_SRID, swap: bool = False,
) -> dict:  # fmt: skip
    """The field changes a Feature asks for. A full write (POST, PUT) sets every writable
    field, the ones left out to their defaults; a partial one (PATCH) only those it names.
    The geometry is in `srid` (axes swapped when `swap`: OGC's Content-Crs), stored as WGS 84.
    Raises BadRequest naming each property at fault."""
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        raise BadRequest(_("“properties” must be an object."), parameter="properties")
    errors = {}
    unknown = sorted(set(properties) - set(WRITABLE) - set(READ_ONLY) - {"version"})
    for name in unknown:
        errors[name[:40]] = _("“%(name)s” is not a property of a project.") % {"name": name[:40]}
    code = properties.get("code", feature.get("id"))
    if project is not None and code not in (None, project.code):
        errors["code"] = _("A project's code cannot change (this is %(code)s).") % {
            "code": project.code
        }
    changes = {}
    names = [n for n in WRITABLE if n != "code"]
    for name in names if not partial else [n for n in names if n in properties]:
        field = Project._meta.get_field(name)
        value = properties.get(name, None if name in BY_CODE else field.get_default())
        try:
            changes[name] = convert_value(field, name, value)
        except ValidationError as error:
            errors[name] = " ".join(error.messages)
    if project is None:
        changes["code"] = Project._meta.get_field("code").to_python(code)
    if "geometry" in feature or not partial:
        try:
            changes["geom"] = _geometry(feature.get("geometry"), srid, swap)
        except ValueError as error:
            errors["geometry"] = str(error)
    if errors:
        raise BadRequest.collect(errors)
    return changes


def convert_value(field, name: str, value):
    if name in BY_CODE:
        if value is None:
            raise ValidationError(_("This property is required."))
        found = BY_CODE[name].objects.filter(code=str(value)[:32]).first()
        if found is None:
            raise ValidationError(_("No %(what)s has the code “%(code)s”.") % {
                "what": BY_CODE[name]._meta.verbose_name, "code": str(value)[:32]})  # fmt: skip
        return found
    if value is None and not field.null:
        if field.blank and field.get_internal_type() in ("CharField", "TextField"):
            return ""
        raise ValidationError(_("This property cannot be null."))
    if name == "capital_sources":
        if not isinstance(value, list):
            raise ValidationError(_("Give a list of capital sources."))
        return [str(v) for v in value]
    if field.get_internal_type() == "BooleanField" and not isinstance(value, bool):
        raise ValidationError(_("Give true or false."))
    return field.to_python(value)


def _geometry(value, srid: int = STORAGE_SRID, swap: bool = False):
    if value is None:
        raise ValueError(_("A project needs a geometry."))
    if not isinstance(value, dict):
        raise ValueError(_("The geometry must be a GeoJSON geometry object."))
    if srid != STORAGE_SRID or swap:
        try:
            value = to_storage(value, srid, swap)
        except (ValueError, TypeError) as error:
            raise ValueError(
                _("The geometry's coordinates cannot be read in EPSG:%(srid)s (the body's "
                  "Content-Crs): give pairs of numbers inside that system's area.")
                % {"srid": srid}
            ) from error  # fmt: skip
    try:
        return GEOSGeometry(orjson.dumps(value).decode(), srid=STORAGE_SRID)
    except (GEOSException, GDALException, ValueError, TypeError) as error:
        raise ValueError(
            _("The geometry is not valid GeoJSON (WGS 84 longitude, latitude).")
        ) from error


# The geometry gate's refusals (geo.validation), raised from Project.clean without a field.
GEOMETRY_CODES = {"mixed_types", "wrong_type", "not_degrees", "swapped_axes", "outside_province",
                  "empty", "invalid"}  # fmt: skip


# Database constraints a property breaks: their messages carry no field.
CONSTRAINT_FIELDS = {
    "project_code_format": "code", "project_investment_not_negative": "total_investment_vnd",
    "project_planned_period": "planned_end", "project_actual_period": "actual_end",
    "project_geom_multi": "geometry", "project_geom_valid": "geometry",
}  # fmt: skip


def _constraint_fields() -> dict[str, str]:
    """Constraint message (in the active language) → the property it is about."""
    return {
        str(c.get_violation_error_message()): CONSTRAINT_FIELDS[c.name]
        for c in Project._meta.constraints
        if c.name in CONSTRAINT_FIELDS
    }


def validation_error(error: ValidationError) -> BadRequest:
    """The write path's refusal as a 400 naming each property (the geometry as `geometry`)."""
    by_message = _constraint_fields()
    errors: dict[str, list[str]] = {}
    by_field = error.error_dict if hasattr(error, "error_dict") else {"__all__": error.error_list}
    for name, items in by_field.items():
        for item in items:
            if name == "__all__":
                where = "geometry" if item.code in GEOMETRY_CODES else "properties"
                where = by_message.get(" ".join(item.messages), where)
            else:
                where = SPELLING.get(name, name)
            errors.setdefault(where, []).extend(item.messages)
    return BadRequest.collect({name: " ".join(messages) for name, messages in errors.items()})


# ---- who may write, and the writes themselves (each surface passes its door) ---------------


def require(user, ability: str, project: Project | None = None) -> None:
    """401 for an anonymous caller, 403 for a role that may not do this (projects.access)."""
    if not user.is_authenticated:
        raise NotAuthenticated(
            _("Sign in, or send a personal API token (Authorization: Token <key>), to write.")
        )
    if ability not in access.abilities(user, project):
        raise Forbidden(
            _("Your role does not allow this (%(ability)s). Ask an administrator for the role "
              "that does.") % {"ability": ability}
        )  # fmt: skip


def comment(request) -> str:
    """An optional reason for the history (the `X-Comment` header), kept short."""
    return request.headers.get("X-Comment", "")[:500]


def create(request, changes: dict, *, door) -> Project:
    """A new project from a Feature's changes (the caller checked CREATE)."""
    if changes.get("is_published"):
        require(request.user, access.PUBLISH)
    project = Project(**changes)
    if Project.objects.filter(code=project.code).exists():
        raise BadRequest(
            _("A project with the code %(code)s exists already.") % {"code": project.code},
            parameter="code",
        )
    try:
        actions.create_project(project, user=request.user, door=door, comment=comment(request))
    except ValidationError as error:
        raise validation_error(error) from error
    return project


def change(request, project: Project, changes: dict, *, door) -> Project:
    """Apply a Feature's changes to `project`, based on the version named in If-Match.
    Publishing is the publisher's (through the publishing actions), anything else the
    editor's; both in one transaction, so all of it is written or none."""
    changed = {name for name, value in changes.items() if getattr(project, name) != value}
    published = changes.pop("is_published", project.is_published)
    if "is_published" in changed:
        require(request.user, access.PUBLISH, project)
    if changed - {"is_published"} or not changed:
        require(request.user, access.CHANGE, project)
    version = expected_version(request, project)
    who = {"user": request.user, "door": door, "comment": comment(request)}
    try:
        with transaction.atomic():
            if changed - {"is_published"} or not changed:
                actions.update_project(project, changes, expected_version=version, **who)
            if "is_published" in changed:
                step = actions.publish if published else actions.unpublish
                step(project, expected_version=project.version, **who)
    except actions.StaleVersion as error:
        raise from_stale(project, error) from error
    except ValidationError as error:
        raise validation_error(error) from error
    return project


def delete(request, project: Project, *, door) -> None:
    require(request.user, access.DELETE, project)
    version = expected_version(request, project)
    try:
        actions.delete_project(project, expected_version=version, user=request.user, door=door,
                               comment=comment(request))  # fmt: skip
    except actions.StaleVersion as error:
        raise from_stale(project, error) from error
