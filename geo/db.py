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


class OneQueryChecks:
    """A model mixin: `full_clean` asks the database about all of the model's CHECK constraints
    in one query, instead of Django's query, savepoint and release for each of them (a project,
    with about twenty, took some sixty queries to validate). The verdicts and messages are
    Django's own: a constraint whose fields are excluded is skipped, NULL passes, and each
    failed constraint raises its violation message. Other constraints (unique, exclusion) are
    validated as Django does."""

    def validate_constraints(self, exclude=None):
        from django.core.exceptions import ValidationError
        from django.db import router

        using = router.db_for_write(self.__class__, instance=self)
        errors, checks = {}, []
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                if isinstance(constraint, models.CheckConstraint):
                    checks.append((model_class, constraint))
                    continue
                try:
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    if getattr(error, "code", None) == "unique" and len(constraint.fields) == 1:
                        errors.setdefault(constraint.fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
        by_model = {}
        for model_class, constraint in checks:
            by_model.setdefault(model_class, []).append(constraint)
        failed = [c for model_class, group in by_model.items()
                  for c in _failed_checks(self, model_class, group, exclude, using)]  # fmt: skip
        for constraint in failed:
            error = ValidationError(
                constraint.get_violation_error_message(), code=constraint.violation_error_code
            )
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


def _failed_checks(instance, model_class, checks, exclude, using) -> list:
    """The CHECK constraints `instance` breaks, asked in one SELECT (Q.check's query, with one
    boolean column per constraint)."""
    from contextlib import nullcontext

    from django.core.exceptions import FieldError
    from django.db import DatabaseError, connections, transaction
    from django.db.models import BooleanField, Q, Value
    from django.db.models.functions import Coalesce
    from django.db.models.sql import Query
    from django.db.models.sql.constants import SINGLE

    query = Query(None)
    against = instance._get_field_expression_map(meta=model_class._meta, exclude=exclude)
    for name, value in against.items():
        if not hasattr(value, "resolve_expression"):
            value = Value(value)
        query.add_annotation(value, name, select=False)
    asked = []
    for constraint in checks:
        verdict = Coalesce(Q(constraint.condition), True, output_field=BooleanField())
        try:  # a constraint on an excluded (or unknown) field is skipped, as Django does
            query.add_annotation(verdict, f"_check_{len(asked)}")
        except FieldError:
            continue
        asked.append(constraint)
    if not asked:
        return []
    connection = connections[using]
    try:
        with transaction.atomic(using=using) if connection.in_atomic_block else nullcontext():
            row = query.get_compiler(using=using).execute_sql(SINGLE)
    except DatabaseError:  # as Q.check: the database will have the last word on save
        return []
    return [constraint for constraint, passed in zip(asked, row, strict=True) if not passed]
