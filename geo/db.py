"""Small database expressions shared by the apps' models and queries."""

from django.contrib.gis.db.models import GeometryField
from django.contrib.postgres.fields import DateRangeField
from django.db import models


class GeometryType(models.Func):
    """PostGIS GeometryType(): 'MULTIPOINT', 'MULTILINESTRING', 'MULTIPOLYGON', ..."""

    function = "GeometryType"
    output_field = models.CharField()


class ImmutableUnaccent(models.Func):
    """f_unaccent(): unaccent() declared IMMUTABLE (created in geo's first migration) so it can
    be indexed. PostgreSQL's unaccent maps đ→d, which Python's NFD decomposition does not."""

    function = "f_unaccent"
    output_field = models.TextField()


class SearchText(models.Func):
    """f_search_text(a || ' ' || b …): the text search reads, folded as projects.search folds
    what people type: lower case, accent-free, letters and digits split apart (`QL19` → `ql 19`),
    so a word can be found by a regular expression. Immutable (created in projects' search
    migration), so it can be indexed; the arguments must be non-null text."""

    function = "f_search_text"
    template = "%(function)s(%(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = models.TextField()


class DateRange(models.Func):
    """daterange(lower, upper, '[]'): NULL bounds are open, so a unit without a start date
    reaches back indefinitely."""

    function = "DATERANGE"

    def __init__(self, lower, upper, bounds="[]", **extra):
        super().__init__(lower, upper, models.Value(bounds), output_field=DateRangeField(), **extra)


class SimplifyPreserveTopology(models.Func):
    """ST_Multi(ST_SimplifyPreserveTopology(geom, tolerance)): generalisation for small-scale
    maps that keeps the Multi* type (GEOS returns single types for one-part collections)."""

    function = "ST_SimplifyPreserveTopology"
    template = "ST_Multi(%(function)s(%(expressions)s))"

    def __init__(self, expression, tolerance, **extra):
        super().__init__(
            expression, models.Value(float(tolerance)), output_field=GeometryField(), **extra
        )


class FlipCoordinates(models.Func):
    """ST_FlipCoordinates: x/y swapped, for CRSs whose first axis is latitude or northing."""

    function = "ST_FlipCoordinates"
    output_field = GeometryField()


class ForcePolygonCCW(models.Func):
    """Exterior rings counter-clockwise, holes clockwise (RFC 7946), for (multi)polygons only:
    PostGIS 3.3 computes ST_ForcePolygonCCW as ST_Reverse(ST_ForcePolygonCW(…)), which turns
    lines round. `source` (the stored column) says whether the row holds polygons, so the CASE
    evaluates the (possibly transformed) expression once."""

    output_field = GeometryField()

    def __init__(self, expression, source="geom", **extra):
        super().__init__(expression, source, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        expression, source = self.get_source_expressions()
        expression_sql, expression_params = compiler.compile(expression)
        source_sql, source_params = compiler.compile(source)
        sql = (
            f"(CASE WHEN ST_Dimension({source_sql}) = 2 THEN ST_ForcePolygonCCW({expression_sql})"
            f" ELSE {expression_sql} END)"
        )
        return sql, (*source_params, *expression_params, *expression_params)


class PgCast(models.Func):
    """`expression::type`, selected as it comes (Django's Cast adds a per-row Python converter
    for numbers, which costs more than the rest of a row on large lists)."""

    template = "(%(expressions)s)::%(db_type)s"
    output_field = models.Field()

    def __init__(self, expression, db_type: str):
        super().__init__(expression, db_type=db_type)
