"""A list of ids as one SQL parameter, and statements compiled once with that parameter bound at each run.

``IdIn("id", ids)`` instead of ``id__in=ids``: ``id__in`` binds one parameter per value, and with the hundreds of
ids a full-text search hands the directory, the ORM spent longer preparing and compiling the list than the
database spent reading it. Here the list travels as one value: a JSON array that SQLite unpacks with
``json_each`` (the JSON functions Django's ``JSONField`` already needs), an array that PostgreSQL compares with
``= ANY``. The database reads the same index either way.

``compiled(key, build)``: the SQL of a query whose shape and values repeat from request to request (the
directory's filters), compiled by the ORM once per ``key`` and kept, as SQLAlchemy's compiled cache keeps a
statement's SQL; the ids of an ``IdIn(…, IdIn.SLOT)`` are bound at each run (``Compiled.rows(ids)``). Building
the directory's ids query through the ORM (its theme, area and distance subqueries) cost more than running it.
The key must name everything the SQL depends on; the database vendor is added here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import BooleanField, F, Func, QuerySet


class _Slot:
    def __repr__(self) -> str:
        return "IdIn.SLOT"


def _encoded(vendor: str, ids: Sequence[int]):
    return list(ids) if vendor == "postgresql" else json.dumps(list(ids))


class IdIn(Func):
    """``field IN (ids)``, the ids (integers) sent as a single parameter; usable wherever ``filter()`` takes a
    condition. An empty list matches nothing, as ``__in=[]`` does. ``IdIn.SLOT`` in place of the ids leaves the
    parameter to be bound by ``Compiled.rows``."""

    SLOT = _Slot()
    conditional = True
    output_field = BooleanField()

    def __init__(self, field: str, ids: Iterable[int] | _Slot):
        super().__init__(F(field))
        self.ids = ids if ids is IdIn.SLOT else [int(pk) for pk in ids]

    def as_sql(self, compiler, connection, **extra_context):
        if not self.ids:
            raise EmptyResultSet
        column, params = compiler.compile(self.source_expressions[0])  # a quoted column, from Django
        value = self.ids if self.ids is IdIn.SLOT else _encoded(connection.vendor, self.ids)
        if connection.vendor == "postgresql":
            return f"{column} = ANY(%s)", (*params, value)
        return f"{column} IN (SELECT value FROM json_each(%s))", (*params, value)  # noqa: S608


@dataclass(frozen=True)
class Compiled:
    """A statement's SQL and parameters, with the places of its ``IdIn.SLOT`` ids."""

    alias: str
    sql: str
    params: tuple
    slots: tuple[int, ...]

    def rows(self, ids: Sequence[int] = ()) -> list[tuple]:
        """The rows, the slots bound to ``ids``. Every slot of these statements restricts the whole query, so no
        ids means no row, without asking the database."""
        if self.slots and not ids:
            return []
        connection = connections[self.alias]
        params = list(self.params)
        for slot in self.slots:
            params[slot] = _encoded(connection.vendor, ids)
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            return cursor.fetchall()


_EMPTY = object()  # the statement matches nothing whatever its ids (the ORM raised EmptyResultSet)
_COMPILED: dict[tuple, Compiled | object] = {}
MAX_COMPILED = 512  # statements kept per process; past that the cache starts again


def compiled(key: tuple, build: Callable[[], QuerySet]) -> Compiled | None:
    """The compiled statement of ``build()`` (a queryset of ``values_list`` rows), kept under ``key``; None when it
    can match nothing. ``key`` must hold every value the SQL depends on."""
    full_key = (key, connections[DEFAULT_DB_ALIAS].vendor)
    found = _COMPILED.get(full_key)
    if found is None:
        queryset = build()
        try:
            sql, params = queryset.query.get_compiler(queryset.db).as_sql()
        except EmptyResultSet:
            found = _EMPTY
        else:
            found = Compiled(queryset.db, sql, tuple(params),
                             tuple(i for i, value in enumerate(params) if value is IdIn.SLOT))
        if len(_COMPILED) >= MAX_COMPILED:
            _COMPILED.clear()
        _COMPILED[full_key] = found
    return None if found is _EMPTY else found
