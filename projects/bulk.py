"""The app's one module of raw SQL: set-based checks and writes for imports of many projects.

An import of 100,000 features cannot afford one query per feature (Django runs one per check
constraint in `full_clean`, and `save` one per row), so the import stages its rows in a
temporary table shaped like `projects_project` and asks PostgreSQL, in one query, which rows
break which check constraint: the database's own constraints, read from its catalogue, so the
answer is the one an INSERT would give. Then it writes all created rows with one INSERT …
SELECT and all updated rows with one UPDATE … FROM that only matches rows still at the version
that was read (the optimistic lock of projects.actions, for many rows at once).

Every statement is parametrised; table and column names come from the models, never from
input. The history triggers (django-pghistory) and the data-version triggers see these writes
as they see any other, so `projects.actions` wraps them in the same context (who, door, why).
"""

import io
from collections.abc import Iterable

from django.db import connection
from psycopg2 import sql

from projects.models import AdminUnit, ImportedProject, Project

STAGE = "import_stage"
PAGE = 10_000  # rows per COPY while staging


def _run(cursor, statement: sql.Composable, params=None) -> None:
    cursor.execute(statement.as_string(cursor.cursor), params)


def _fields():
    """Project's concrete columns but the primary key, in model order."""
    return [f for f in Project._meta.concrete_fields if not f.primary_key]


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"


def _string(value) -> str:
    return NULL if value is None else str(value).translate(_ESCAPES)


def _plain(value) -> str:  # numbers and keys: nothing to escape
    return NULL if value is None else str(value)


def _boolean(value) -> str:
    return NULL if value is None else ("t" if value else "f")


def _date(value) -> str:
    return NULL if value is None else value.isoformat()


def _array(value) -> str:  # an ArrayField of text: a quoted array literal
    if value is None:
        return NULL
    quoted = (str(v).replace("\\", "\\\\").replace('"', '\\"') for v in value)
    return _string("{" + ",".join(f'"{v}"' for v in quoted) + "}")


_FORMATS = {
    "BooleanField": _boolean, "ArrayField": _array, "DateField": _date,
    "DateTimeField": _date, "DecimalField": _plain, "ForeignKey": _plain,
    "PositiveIntegerField": _plain, "IntegerField": _plain, "BigIntegerField": _plain,
}  # fmt: skip


def _format(field):
    """The function writing a field's value in COPY's text format (NULL is backslash-N;
    backslash, tab and line breaks escaped)."""
    return _FORMATS.get(field.get_internal_type(), _string)


def _copy(cursor, fields, rows) -> int:
    """COPY (item, id, expected version, geometry, `fields`…) rows into the staging table."""
    names = ["item", "id", "expected_version", "geom"] + [f.column for f in fields]
    statement = (
        sql.SQL("COPY {} ({}) FROM STDIN")
        .format(sql.Identifier(STAGE), sql.SQL(", ").join(map(sql.Identifier, names)))
        .as_string(cursor.cursor)
    )
    formats = [(f.attname, _format(f)) for f in fields]
    count, lines = 0, []
    for item, pk, expected, project, geometry_hex in rows:
        values = [str(item), _plain(pk), _plain(expected), _plain(geometry_hex)]
        values += [write(getattr(project, attname)) for attname, write in formats]
        lines.append("\t".join(values) + "\n")
        if len(lines) >= PAGE:
            cursor.cursor.copy_expert(statement, io.StringIO("".join(lines)))
            count, lines = count + len(lines), []
    if lines:
        cursor.cursor.copy_expert(statement, io.StringIO("".join(lines)))
        count += len(lines)
    return count


def stage(rows: Iterable[tuple[int, int | None, int | None, Project, str | None]], *,
          shared: Project | None = None, varying: Iterable[str] = ()) -> int:  # fmt: skip
    """(Re)create the staging table and fill it, by COPY, with (item, id, expected version,
    project, geometry as EWKB hex) rows: the projects as they would be written (created: id
    None; the project's own `geom` is not read). Dropped at commit.

    New projects mostly hold the same defaults: with `shared` (a project whose values every
    new one shares but for the fields named in `varying`), those columns are not written
    once per row but become the staging table's defaults."""
    fields = [f for f in _fields() if f.name != "geom"]
    rows = list(rows)
    new = [row for row in rows if row[1] is None]
    changed = [row for row in rows if row[1] is not None]
    varying = {"code", *varying}
    constant = [f for f in fields if shared is not None and f.name not in varying]
    with connection.cursor() as cursor:
        _run(cursor, sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(STAGE)))
        _run(
            cursor,
            sql.SQL(
                "CREATE TEMP TABLE {stage} (LIKE {table} INCLUDING DEFAULTS, "
                "item integer PRIMARY KEY, expected_version integer) ON COMMIT DROP"
            ).format(stage=sql.Identifier(STAGE), table=sql.Identifier(Project._meta.db_table)),
        )
        # LIKE copies NOT NULL: a staged row may lack what the gate already refused.
        alterations = [
            sql.SQL("ALTER COLUMN {} DROP NOT NULL").format(sql.Identifier(c))
            for c in ["id", "geom", *(f.column for f in fields)]
        ]
        alterations += [
            sql.SQL("ALTER COLUMN {} SET DEFAULT {}").format(
                sql.Identifier(f.column),
                sql.Literal(f.get_db_prep_save(getattr(shared, f.attname), connection)),
            )
            for f in constant
        ]
        _run(
            cursor,
            sql.SQL("ALTER TABLE {} {}").format(
                sql.Identifier(STAGE), sql.SQL(", ").join(alterations)
            ),
        )
        count = _copy(cursor, [f for f in fields if f not in constant], new)
        count += _copy(cursor, fields, changed)
        _run(cursor, sql.SQL("ANALYZE {}").format(sql.Identifier(STAGE)))
    return count


def staged() -> int | None:
    """How many rows the staging table holds in this transaction (None: no table)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f"pg_temp.{STAGE}"])
        if cursor.fetchone()[0] is None:
            return None
        _run(cursor, sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(STAGE)))
        return cursor.fetchone()[0]


def unstage(items: list[int]) -> None:
    with connection.cursor() as cursor:
        _run(
            cursor,
            sql.SQL("DELETE FROM {} WHERE item = ANY(%s)").format(sql.Identifier(STAGE)),
            [items],
        )


def check_violations() -> dict[int, list[str]]:
    """item → names of the check constraints of projects_project its staged row breaks (a
    CHECK passes when its condition is true or null, as PostgreSQL decides)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_expr(conbin, conrelid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'c' ORDER BY conname",
            [Project._meta.db_table],
        )
        checks = cursor.fetchall()
        if not checks:
            return {}
        tests = sql.SQL(", ").join(
            sql.SQL("CASE WHEN ({}) IS FALSE THEN {} END").format(
                sql.SQL(expression), sql.Literal(name)
            )  # the expressions come from the catalogue, not from input
            for name, expression in checks
        )
        _run(
            cursor,
            sql.SQL(
                "SELECT item, broken FROM (SELECT item, array_remove(ARRAY[{tests}], NULL) "
                "AS broken FROM {stage}) AS checked WHERE cardinality(broken) > 0"
            ).format(tests=tests, stage=sql.Identifier(STAGE)),
        )
        return {item: broken for item, broken in cursor.fetchall()}


def write_staged(batch_id: int) -> tuple[int, int, list[int]]:
    """Insert the staged new projects and apply the staged changes (only to rows still at
    their expected version), link administrative units, and record every row in the batch.
    Returns (created, updated, items whose project changed since it was read)."""
    fields = _fields()
    columns = sql.SQL(", ").join(sql.Identifier(f.column) for f in fields)
    table = sql.Identifier(Project._meta.db_table)
    stage_ = sql.Identifier(STAGE)
    with connection.cursor() as cursor:
        _run(
            cursor,
            sql.SQL(
                "INSERT INTO {table} ({columns}) SELECT {columns} FROM {stage} "
                "WHERE id IS NULL ORDER BY item"
            ).format(table=table, columns=columns, stage=stage_),
        )
        created = cursor.rowcount
        changed = [f for f in fields if f.name not in ("code", "created_at", "version")]
        _run(
            cursor,
            sql.SQL(
                "UPDATE {table} AS p SET {sets}, version = p.version + 1 FROM {stage} AS s "
                "WHERE s.id IS NOT NULL AND p.id = s.id AND p.version = s.expected_version"
            ).format(
                table=table,
                stage=stage_,
                sets=sql.SQL(", ").join(
                    sql.SQL("{column} = s.{column}").format(column=sql.Identifier(f.column))
                    for f in changed
                ),
            ),
        )
        updated = cursor.rowcount
        _run(
            cursor,
            sql.SQL(
                "SELECT s.item FROM {stage} AS s JOIN {table} AS p ON p.id = s.id "
                "WHERE p.version <> s.expected_version + 1 ORDER BY s.item"
            ).format(table=table, stage=stage_),
        )
        stale = [item for (item,) in cursor.fetchall()]
        _assign_units(
            cursor,
            sql.SQL("SELECT p.id FROM {stage} AS s JOIN {table} AS p ON p.code = s.code").format(
                stage=stage_, table=table
            ),
        )
        imported = sql.Identifier(ImportedProject._meta.db_table)
        _run(
            cursor,
            sql.SQL(
                "INSERT INTO {imported} (batch_id, project_id, code, was_created, "
                "version_before, version_after) SELECT %s, p.id, p.code, s.id IS NULL, "
                "s.expected_version, p.version FROM {stage} AS s JOIN {table} AS p "
                "ON p.code = s.code ORDER BY s.item"
            ).format(imported=imported, stage=stage_, table=table),
            [batch_id],
        )
    return created, updated, stale


def _assign_units(cursor, projects: sql.Composable | None, params=()) -> int:
    """Link the projects that `projects` selects (a query of their ids; every project when
    None) to every unit below the province whose boundary touches them, whatever the unit's
    validity period, in one DELETE and one INSERT … SELECT. Units without a boundary link
    nothing. Returns the number of links written."""
    links = sql.Identifier(Project.admin_units.through._meta.db_table)
    units = sql.Identifier(AdminUnit._meta.db_table)
    table = sql.Identifier(Project._meta.db_table)

    def where(column: str) -> sql.Composable:
        if projects is None:
            return sql.SQL("")
        return sql.SQL("WHERE {} IN ({})").format(sql.SQL(column), projects)

    _run(cursor, sql.SQL("DELETE FROM {} {}").format(links, where("project_id")), params)
    _run(
        cursor,
        sql.SQL(
            "INSERT INTO {links} (project_id, adminunit_id) SELECT p.id, u.id FROM {table} AS p "
            "JOIN {units} AS u ON u.level <> %s AND ST_Intersects(u.geom, p.geom) {where}"
        ).format(links=links, table=table, units=units, where=where("p.id")),
        [AdminUnit.Level.PROVINCE, *params],
    )
    return cursor.rowcount


def assign_admin_units(project_ids: list[int] | None = None) -> int:
    """projects.actions.assign_admin_units, in one DELETE and one INSERT: the projects with
    `project_ids` (every project when None). Returns the number of links written."""
    with connection.cursor() as cursor:
        if project_ids is None:
            return _assign_units(cursor, None)
        return _assign_units(cursor, sql.SQL("SELECT unnest(%s::bigint[])"), [list(project_ids)])


# django-pgtrigger asks this function at the start of every row trigger (the history triggers
# included) whether `pgtrigger.ignore` names the trigger. Its own version reads the setting
# inside an EXCEPTION block, so each call opens a subtransaction, and a statement that fires it
# for many rows slows down quadratically: inserting 40,000 projects took 22 s with it and 9 s
# with this one, 80,000 took 64 s. This version gives the same answers (an unset, empty or
# reset setting ignores nothing; otherwise the trigger's name is looked up in the array)
# without a subtransaction. It is reinstalled after every migrate (projects.apps), since each
# trigger migration puts the original back.
TRIGGER_GUARD = """
CREATE OR REPLACE FUNCTION "public"._pgtrigger_should_ignore(trigger_name NAME)
RETURNS BOOLEAN AS $$
    DECLARE
        _ignore TEXT := NULLIF(CURRENT_SETTING('pgtrigger.ignore', TRUE), '');
    BEGIN
        IF _ignore IS NULL THEN
            RETURN FALSE;
        END IF;
        RETURN trigger_name = ANY(_ignore::TEXT[]);
    END;
$$ LANGUAGE plpgsql STABLE
"""


def install_trigger_guard(using: str = "default") -> None:
    from django.db import connections

    with connections[using].cursor() as cursor:
        cursor.execute(TRIGGER_GUARD)
