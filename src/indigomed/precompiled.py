"""Querysets compiled once per process, for the statements nearly every request runs.

Building and compiling a queryset costs more CPU than the database spends answering a primary-key
look-up (bench/profile_floor.py), and the same few statements run on every signed-in request. A
``Precompiled`` query is written as an ordinary queryset of its parameters; the first time it runs
on a database it is built with marker values and compiled, and each later run only executes that
SQL with the real values and turns the rows into what the ORM would have returned (model instances
with their ``select_related`` objects, or converted tuples), through the ORM's own converters.

Only whole-number and text parameters compared for equality are supported: the markers must come
back unchanged among the compiled statement's parameters, which ``_compile`` checks.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, transaction
from django.db.models import QuerySet
from django.db.models.fields import AutoFieldMixin
from django.db.models.query import get_related_populators

# Values no id or key takes, so a marker cannot be confused with a constant of the query.
_INT_MARKER = -7_361_000_000_000
_TEXT_MARKER = "\x00indigomed-precompiled-"


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # For each parameter of the statement: the index of the caller's value, or None for a constant.
    slots: tuple[tuple[int | None, Any], ...]
    compiler: Any
    populators: Any
    init_list: tuple[str, ...]
    fields: tuple[int, int]
    # Where each ``annotate()`` value sits in a row, in the order the annotations were named.
    annotations: tuple[int, ...] = ()
    # The ORM's converters for each column that has any ({position: (converters, expression)}, as
    # ``get_converters`` gives them). Django works them out again for every result; they depend
    # only on the statement.
    converters: dict[int, tuple[Any, Any]] = field(default_factory=dict)
    composite: bool = False


class Precompiled:
    """``build(*markers)`` is a queryset; ``objects(*values)`` its model instances, ``rows(*values)``
    its rows (for a ``values_list`` queryset), both as a list."""

    def __init__(self, build: Callable[..., QuerySet[Any, Any]], *, text: Sequence[bool] = ()) -> None:
        self._build = build
        arity = len(inspect.signature(build).parameters)
        kinds = list(text) + [False] * (arity - len(text))
        self._markers: list[Any] = [
            f"{_TEXT_MARKER}{i}" if is_text else _INT_MARKER - i for i, is_text in enumerate(kinds)
        ]
        self._compiled: dict[tuple[str, str], _Compiled] = {}

    def _get(self, using: str) -> _Compiled:
        key = (using, connections[using].vendor)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(using)
        return compiled

    def _compile(self, using: str) -> _Compiled:
        queryset = self._build(*self._markers)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots: list[tuple[int | None, Any]] = []
        for param in params:
            index = next((i for i, m in enumerate(self._markers) if type(param) is type(m) and param == m), None)
            slots.append((index, None if index is not None else param))
        if sorted(i for i, _ in slots if i is not None) != list(range(len(self._markers))):
            raise ValueError("every parameter must appear once, unchanged, among the statement's parameters")
        columns = [column[0] for column in compiler.select[0 : compiler.col_count]]
        converters = compiler.get_converters(columns)
        composite = compiler.has_composite_fields(columns)
        klass_info = compiler.klass_info
        if klass_info is None:  # values_list: rows only
            return _Compiled(sql, tuple(slots), compiler, (), (), (0, 0), converters=converters, composite=composite)
        select = compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        init_list = tuple(f[0].target.attname for f in select[start:end])
        populators = get_related_populators(klass_info, select, using)  # type: ignore[call-arg]  # the stubs are ahead of Django 5.2
        annotations = tuple(compiler.annotation_col_map[name] for name in queryset.query.annotation_select)
        return _Compiled(
            sql,
            tuple(slots),
            compiler,
            populators,
            init_list,
            (start, end),
            annotations,
            converters=converters,
            composite=composite,
        )

    @staticmethod
    def _converted(compiled: _Compiled, raw: Sequence[Sequence[Any]]) -> list[Any]:
        """The rows as the ORM's ``results_iter`` gives them (columns past the statement's own are
        left as they came), with the converters worked out once."""
        if compiled.composite:
            return list(compiled.compiler.results_iter(results=[raw], tuple_expected=True))
        if not compiled.converters:
            return [tuple(row) for row in raw]
        return [tuple(row) for row in compiled.compiler.apply_converters(raw, compiled.converters)]

    def _fetch(self, compiled: _Compiled, using: str, values: tuple[Any, ...]) -> list[Any]:
        params = [values[i] if i is not None else constant for i, constant in compiled.slots]
        with connections[using].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            raw = cursor.fetchall()
        return self._converted(compiled, raw)

    def rows(self, *values: Any, using: str = "default") -> list[tuple[Any, ...]]:
        compiled = self._get(using)
        return self._fetch(compiled, using, values)

    def objects(self, *values: Any, using: str = "default") -> list[Any]:
        return [obj for obj, _ in self.annotated(*values, using=using)]

    def annotated(self, *values: Any, using: str = "default") -> list[tuple[Any, tuple[Any, ...]]]:
        """Each row's model instance with the row's ``annotate()`` values, in the order named."""
        compiled = self._get(using)
        return [
            (obj, annotations)
            for obj, annotations, _ in self._instances(compiled, using, self._fetch(compiled, using, values))
        ]

    def statement(self, using: str = "default") -> str:
        """The compiled SQL, for a statement that reads the same columns another way (its
        parameters are the query's own); ``annotated_rows`` turns that statement's rows into
        instances."""
        return self._get(using).sql

    def annotated_rows(
        self, raw: Sequence[Sequence[Any]], using: str = "default"
    ) -> list[tuple[Any, tuple[Any, ...], tuple[Any, ...]]]:
        """Rows of a statement built on ``statement()`` (the same columns first, any further ones
        after them), each as its model instance, its ``annotate()`` values and the further columns
        unconverted."""
        compiled = self._get(using)
        if not raw:
            return []
        return self._instances(compiled, using, self._converted(compiled, raw))

    def _instances(
        self, compiled: _Compiled, using: str, rows: list[Any]
    ) -> list[tuple[Any, tuple[Any, ...], tuple[Any, ...]]]:
        model = compiled.compiler.klass_info["model"]
        start, end = compiled.fields
        width = compiled.compiler.col_count
        found = []
        for row in rows:
            obj = model.from_db(using, compiled.init_list, row[start:end])
            for populator in compiled.populators:
                populator.populate(row, obj)
            found.append((obj, tuple(row[i] for i in compiled.annotations), tuple(row[width:])))
        return found


class Insert:
    """The INSERT of one row of ``model``, written once per database.

    ``Model.objects.create`` builds and compiles its statement on every call, which costs more
    CPU than the database spends on the row; the audit ledger, the access log and a booking's
    details are written on hot paths. ``save(obj)`` prepares each field's value as the ORM does
    (``pre_save``, then ``get_db_prep_save``), runs the fixed statement and sets the new primary
    key. It sends no ``pre_save``/``post_save`` signals: use it only for models nothing listens to.
    """

    def __init__(self, model: type[Any]) -> None:
        self._model = model
        # The database numbers the rows; a row of a child model spans tables the ORM writes in turn.
        if not isinstance(model._meta.pk, AutoFieldMixin) or model._meta.parents:
            raise ValueError(f"{model.__name__}: only models with a database-numbered key and no parent")
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        unsupported = [f.name for f in fields if f.generated or f.db_returning or f.has_db_default()]
        if unsupported:
            raise ValueError(f"fields the ORM writes in its own way: {unsupported}")
        self._fields = fields
        self._statements: dict[tuple[str, str, int, bool], tuple[str, bool]] = {}

    def _statement(self, using: str, rows: int = 1, ignore_conflicts: bool = False) -> tuple[str, bool]:
        connection = connections[using]
        key = (using, connection.vendor, rows, ignore_conflicts)
        found = self._statements.get(key)
        if found is None:
            quote = connection.ops.quote_name
            for f in self._fields:
                # A field may ask for its own placeholder (a binary one does, on some databases).
                if hasattr(f, "get_placeholder") and f.get_placeholder(b"", None, connection) != "%s":
                    raise ValueError(f"{f.name} needs a placeholder of its own on {connection.vendor}")
            # Rows skipped as conflicts return nothing, so ids could not be matched to objects.
            features = connection.features
            can_return = (
                features.can_return_rows_from_bulk_insert if rows > 1 else features.can_return_columns_from_insert
            )
            returning = bool(can_return) and not ignore_conflicts
            table, columns = quote(self._model._meta.db_table), ", ".join(quote(f.column) for f in self._fields)
            marks = ", ".join([f"({', '.join(['%s'] * len(self._fields))})"] * rows)
            sql = f"INSERT INTO {table} ({columns}) VALUES {marks}"  # noqa: S608  # nosec B608 # the model's own names, values as parameters
            if ignore_conflicts:
                sql += " ON CONFLICT DO NOTHING"
            if returning:
                sql += f" RETURNING {quote(self._model._meta.pk.column)}"
            found = self._statements[key] = (sql, returning)
        return found

    def save_many(self, objs: Sequence[Any], *, ignore_conflicts: bool = False, using: str = "default") -> None:
        """Several rows in one statement (as ``bulk_create``, for the few rows of one change). Each
        object gets its new primary key where the database returns it; none with ``ignore_conflicts``."""
        if not objs:
            return
        if any(type(obj) is not self._model for obj in objs):
            raise TypeError(f"only {self._model.__name__} rows")
        connection = connections[using]
        sql, returning = self._statement(using, len(objs), ignore_conflicts)
        values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for obj in objs for f in self._fields]
        # As ``Model.save``: a failed insert marks the enclosing atomic block for rollback.
        with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
            cursor.execute(sql, values)
            if returning:
                keys = [row[0] for row in cursor.fetchall()]
            else:  # one row on an engine without RETURNING: its id; several: none to match
                keys = [cursor.lastrowid] if len(objs) == 1 and not ignore_conflicts else []
        for i, obj in enumerate(objs):
            if keys:
                obj.pk = keys[i]
            obj._state.adding = False
            obj._state.db = using

    def save(self, obj: Any, using: str = "default") -> Any:
        """One row; ``obj`` gets its new primary key."""
        self.save_many([obj], using=using)
        return obj
