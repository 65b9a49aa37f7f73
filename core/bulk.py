"""Set-based writes for the pipeline's hot path, on SQLite and PostgreSQL alike.

Django's `bulk_update` builds one `CASE WHEN` per column and row, and resolving those
expressions cost the pipeline most of its time. On PostgreSQL these helpers stream
rows with COPY (into the table, or into a temporary table that one INSERT … SELECT or
UPDATE … FROM then applies); on SQLite they run one statement over many parameter rows
(`executemany`, looped in C). Values go through each model field's own database
preparation either way.
"""

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import orjson
from django.db import IntegrityError, connection, models, transaction

# Fields whose values both drivers take as they are: no per-value preparation needed.
_AS_IS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
    models.AutoField,
)


def _json(value: Any, _connection: Any) -> str | None:
    if value is None:
        return None
    try:
        # orjson: the standard encoder took a tenth of a full import's time.
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value, ensure_ascii=False)  # what orjson declines (big ints, int keys)


def _as_is(value: Any, _connection: Any) -> Any:
    return value


def _dated(field: models.DateField):
    # psycopg sends dates and aware datetimes as they are, which is all Django's PostgreSQL
    # backend does with them; its own preparation (naive-time checks) cost several
    # microseconds a value, a large share of writing a title row.
    if isinstance(field, models.DateTimeField):

        def prepare(value: Any, connection: Any) -> Any:
            if isinstance(value, datetime) and value.tzinfo is not None:
                return value
            return field.get_db_prep_save(value, connection)

    else:

        def prepare(value: Any, connection: Any) -> Any:
            if type(value) is date:
                return value
            return field.get_db_prep_save(value, connection)

    return prepare


def _preparer(field: models.Field):
    if isinstance(field, models.JSONField) and field.encoder is None:
        return _json
    if isinstance(field, _AS_IS) and not isinstance(field, models.DateTimeField):
        return _as_is
    if isinstance(field, models.DateField) and _postgres():
        return _dated(field)
    return field.get_db_prep_save


def _prepare(model: type[models.Model], columns: Sequence[str]):
    fields = [model._meta.get_field(name) for name in columns]
    preparers = [(index, _preparer(field)) for index, field in enumerate(fields)]
    preparers = [(index, prepare) for index, prepare in preparers if prepare is not _as_is]

    def prepared(row: Sequence[Any]) -> list[Any]:
        row = list(row)
        for index, prepare in preparers:
            row[index] = prepare(row[index], connection)
        return row

    return [field.column for field in fields], prepared


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _copy(cursor, table: str, names: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    # The driver's own cursor: its errors are raised as Django's (IntegrityError…) like any query's.
    with (
        connection.wrap_database_errors,
        cursor.cursor.copy(f"COPY {table} ({', '.join(map(_quote, names))}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _staging(cursor, model: type[models.Model], names: Sequence[str]) -> str:
    """A temporary table with these columns of the model's table, dropped at commit at the latest."""
    staging = _quote(f"staging_{model._meta.db_table}")
    cursor.execute(f"DROP TABLE IF EXISTS {staging}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "
        f"SELECT {', '.join(map(_quote, names))} FROM {_quote(model._meta.db_table)} WITH NO DATA"
    )
    return staging


def rows_update(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """UPDATE these columns by primary key; each row is (pk, *values in column order)."""
    rows = list(rows)
    if not rows:
        return 0
    names, prepared = _prepare(model, columns)
    pk, table = _quote(model._meta.pk.column), _quote(model._meta.db_table)
    with connection.cursor() as cursor:
        if _postgres():
            staging = _staging(cursor, model, [model._meta.pk.column, *names])
            _copy(
                cursor,
                staging,
                [model._meta.pk.column, *names],
                ([row[0], *prepared(row[1:])] for row in rows),
            )
            # Statistics let the planner look rows up by key rather than scan a large table.
            cursor.execute(f"ANALYZE {staging}")
            assignments = ", ".join(f"{_quote(name)} = staged.{_quote(name)}" for name in names)
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM {staging} AS staged WHERE {table}.{pk} = staged.{pk}"
            )
            cursor.execute(f"DROP TABLE {staging}")
        else:
            assignments = ", ".join(f"{_quote(name)} = %s" for name in names)
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {pk} = %s",
                [[*prepared(row[1:]), row[0]] for row in rows],
            )
    return len(rows)


def rows_insert(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    conflict: Sequence[str] = (),
    update: Sequence[str] = (),
) -> int:
    """INSERT rows; on a `conflict` key, skip the row or, with `update`, overwrite those
    columns where they differ (so an unchanged row is not rewritten). Without `conflict`
    the rows must not collide with stored ones (PostgreSQL COPYs them straight in)."""
    rows = list(rows)
    if not rows:
        return 0
    names, prepared = _prepare(model, columns)
    table = _quote(model._meta.db_table)
    targets = ", ".join(map(_quote, names))
    clause = ""
    if conflict:
        keys = ", ".join(_quote(model._meta.get_field(name).column) for name in conflict)
        clause = f" ON CONFLICT ({keys}) DO NOTHING"
        if update:
            updated = [_quote(model._meta.get_field(name).column) for name in update]
            sets = ", ".join(f"{name} = excluded.{name}" for name in updated)
            distinct = "IS DISTINCT FROM" if _postgres() else "IS NOT"
            differs = " OR ".join(f"{table}.{name} {distinct} excluded.{name}" for name in updated)
            clause = f" ON CONFLICT ({keys}) DO UPDATE SET {sets} WHERE {differs}"
    with connection.cursor() as cursor:
        if _postgres() and not conflict:
            _copy(cursor, table, names, map(prepared, rows))
        elif _postgres():
            staging = _staging(cursor, model, names)
            _copy(cursor, staging, names, map(prepared, rows))
            # "WHERE true" keeps PostgreSQL from reading ON CONFLICT as part of the SELECT.
            cursor.execute(
                f"INSERT INTO {table} ({targets}) SELECT {targets} FROM {staging} WHERE true{clause}"
            )
            cursor.execute(f"DROP TABLE {staging}")
        else:
            cursor.executemany(
                f"INSERT INTO {table} ({targets}) VALUES ({', '.join(['%s'] * len(names))}){clause}",
                [prepared(row) for row in rows],
            )
    return len(rows)


def rows_insert_new(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    conflict: Sequence[str],
    update: Sequence[str] = (),
) -> bool:
    """INSERT rows expected to be new: straight in (a plain COPY on PostgreSQL) in a savepoint,
    and only if one of them is stored already, again with `conflict` and `update` (see
    `rows_insert`). Return whether they went straight in."""
    rows = list(rows)
    try:
        with transaction.atomic():
            rows_insert(model, columns, rows)
        return True
    except IntegrityError:
        rows_insert(model, columns, rows, conflict=conflict, update=update)
        return False


def rows_delete(model: type[models.Model], column: str, values: Iterable[Any], **equal: Any) -> None:
    """DELETE rows whose `column` is one of `values` (and whose other columns equal `equal`)."""
    values = list(values)
    if not values:
        return
    table, target = _quote(model._meta.db_table), _quote(model._meta.get_field(column).column)
    conditions = "".join(f" AND {_quote(model._meta.get_field(name).column)} = %s" for name in equal)
    with connection.cursor() as cursor:
        if _postgres():
            cursor.execute(
                f"DELETE FROM {table} WHERE {target} = ANY(%s){conditions}", [values, *equal.values()]
            )
            return
        for start in range(0, len(values), 500):
            chunk = values[start : start + 500]
            cursor.execute(
                f"DELETE FROM {table} WHERE {target} IN ({', '.join(['%s'] * len(chunk))}){conditions}",
                [*chunk, *equal.values()],
            )


def objects_insert(objects: Sequence[models.Model], *, conflict: Sequence[str] = ()) -> int:
    """INSERT unsaved model instances with every column (defaults included), like `bulk_create`."""
    if not objects:
        return 0
    model = type(objects[0])
    # An automatic primary key is left to the database unless the caller set it.
    fields = [
        field
        for field in model._meta.concrete_fields
        if not isinstance(field, models.AutoField) or objects[0].pk is not None
    ]
    # pre_save only where it does something (auto_now dates); plain attributes elsewhere.
    dated = {
        field.attname
        for field in fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    }
    return rows_insert(
        model,
        [field.name for field in fields],
        (
            [
                field.pre_save(instance, add=True)
                if field.attname in dated
                else getattr(instance, field.attname)
                for field in fields
            ]
            for instance in objects
        ),
        conflict=conflict,
    )


@contextmanager
def bulk_session() -> Iterator[None]:
    """A bulk import's connection settings, restored after.

    On PostgreSQL, commits do not wait for their WAL to reach the disk
    (`synchronous_commit = off`): a crash may lose the last fraction of a second of
    batches, never corrupt or half-write one, and an import is run again anyway.
    """
    if not _postgres():
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('synchronous_commit')")
        (before,) = cursor.fetchone()
        cursor.execute("SET synchronous_commit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('synchronous_commit', %s, false)", [before])


def _tables(models_: Sequence[type[models.Model]]) -> str:
    return ", ".join(_quote(model._meta.db_table) for model in models_)


def tables_analyze(*models_: type[models.Model]) -> None:
    """Refresh the planner's statistics after a bulk write, which autovacuum would notice late:
    with a table ten times larger than it thinks, PostgreSQL scans where it should look up."""
    if _postgres():
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {_tables(models_)}")


def tables_vacuum(*models_: type[models.Model]) -> None:
    """After a large import: VACUUM (ANALYZE) where no transaction is open, else ANALYZE.

    Rows fresh from a bulk write are rewritten by their first readers, who set each row's
    commit hint and the page's visibility, so the first refresh after a first import read
    a freshly written catalog about half again as slowly; the import does it once instead.
    """
    if not _postgres():
        return
    if connection.in_atomic_block:
        tables_analyze(*models_)
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {_tables(models_)}")
