"""Several small reads in one statement: a page that shows a handful of short lists about one object
(a customer's rating, grants, reservations, recent checks …) asks the database once for all of them
instead of once per list.

`read_together({"name": queryset, …})` answers each queryset's rows as the queryset itself would —
model instances with their annotations and `select_related` objects, in the queryset's order, its
slice ([:5]) kept — or, for a `Rows` part, plain dicts of the names asked. Each part becomes one
branch of a UNION ALL: a label, the row's place in the queryset's order (ROW_NUMBER(), which also
takes the slice: SQLite allows neither ORDER BY nor LIMIT in a branch, MariaDB no LIMIT under IN) and
the row's values as one JSON array sent as text (JSON_ARRAY on SQLite and MariaDB, JSONB_BUILD_ARRAY
on PostgreSQL). Values come back exactly as the ORM gives them: decimals travel as text (no float on
the way), dates and datetimes as text parsed here (naive ones are in the connection's time zone), JSON
columns as JSON.

Not for prefetch_related (a second statement by nature) or deferred fields; every concrete field of
the model (and of each select_related model) is read.

Given as `Part`s built from a few integer arguments (`read_together({"checks": Part(build, key)},
args={"customer": 42})`), the statement is compiled once per process for the same names and keys:
building and compiling the hundreds of expressions of such a union costs a page more than executing it
(bench/README.md). Parts of the same name must build the same statement for the same key.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connections
from django.db.models import CharField, F, Func, IntegerField, JSONField, QuerySet, TextField, Value, Window
from django.db.models.expressions import OrderBy
from django.db.models.functions import Cast, JSONArray, RowNumber
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from xindang.core import db as fixed_statements
from xindang.core.kept import Kept

RANK = "together_rank"
CHUNK = 40  # values per JSON array (PostgreSQL's functions take at most 100 arguments)


@dataclass(frozen=True)
class Rows:
    """A part read as dicts of `names` (fields or annotations of `queryset`, e.g. a
    values(…).annotate(…) aggregate); in no particular order, unsliced."""

    queryset: QuerySet
    names: tuple[str, ...]


class JSONValue(Func):
    """A JSON column as a JSON value inside a JSON array (SQLite and MariaDB keep it as text and would
    embed it as a string)."""

    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON", **extra_context)

    def as_mysql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="JSON_EXTRACT(%(expressions)s, '$')", **extra_context
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])


@dataclass(frozen=True)
class _Column:
    path: str  # "" for the model itself, else the select_related path ("campaign__questionnaire")
    name: str  # attname or annotation name
    field: object  # the model field or the annotation's output field


def _sent(ref: str, field) -> object:
    kind = field.get_internal_type()
    if kind == "DecimalField":
        return Cast(F(ref), CharField())
    if kind == "JSONField":
        return JSONValue(F(ref))
    return F(ref)


def _received(value, field, connection):
    if value is None:
        return None
    kind = field.get_internal_type()
    if kind == "DecimalField":
        return Decimal(str(value)).quantize(Decimal(1).scaleb(-field.decimal_places))
    if kind == "DateTimeField":
        parsed = parse_datetime(value) if isinstance(value, str) else value
        if timezone.is_naive(parsed) and connection.timezone is not None:
            parsed = timezone.make_aware(parsed, connection.timezone)
        return parsed
    if kind == "DateField":
        return parse_date(value[:10]) if isinstance(value, str) else value
    if kind == "BooleanField":  # true/false, 1/0, or "1"/"0" (MariaDB puts a subquery's answer as text)
        return value not in ("0", "false") and bool(value)
    if kind == "JSONField":
        return value
    if kind == "FloatField":
        return float(value)
    if hasattr(field, "from_db_value"):  # a field of its own (an encrypted column): as the ORM reads it
        return field.from_db_value(value, None, connection)
    return field.to_python(value)


def _related_paths(select_related, prefix="") -> list[str]:
    if not isinstance(select_related, dict):
        return []
    out = []
    for name, sub in select_related.items():
        path = f"{prefix}{name}"
        out.append(path)
        out += _related_paths(sub, f"{path}__")
    return out


def _model_of(model, path: str):
    for name in path.split("__") if path else ():
        model = model._meta.get_field(name).related_model
    return model


def _columns(qs: QuerySet) -> list[_Column]:
    model = qs.model
    cols = [_Column("", f.attname, f) for f in model._meta.concrete_fields]
    for path in _related_paths(qs.query.select_related):
        cols += [_Column(path, f.attname, f) for f in _model_of(model, path)._meta.concrete_fields]
    cols += [_Column("", name, a.output_field) for name, a in qs.query.annotations.items()]
    return cols


def _ordering(qs: QuerySet) -> list:
    names = qs.query.order_by or (qs.query.default_ordering and qs.model._meta.ordering) or ()
    out = []
    for item in names:
        if isinstance(item, str):
            out.append(F(item[1:]).desc() if item.startswith("-") else F(item).asc())
        else:
            out.append(item if isinstance(item, OrderBy) else item.asc())
    return out or [F("pk").asc()]


def _array(exprs: list) -> Cast:
    """The values as JSON text: text of one collation in every branch (MariaDB types a JSON array by its
    arguments and refuses a UNION of different collations)."""
    arrays = JSONArray(*(JSONArray(*exprs[i : i + CHUNK]) for i in range(0, len(exprs), CHUNK)))
    return Cast(arrays, TextField())


def _branch(label: str, part) -> QuerySet:
    if isinstance(part, Rows):
        qs = part.queryset
        fields = [qs.query.resolve_ref(n).output_field for n in part.names]
        data = _array([_sent(n, f) for n, f in zip(part.names, fields, strict=True)])
        rank = Value(0, output_field=IntegerField())
        return qs.order_by().values(part=Value(label), **{RANK: rank}, data=data)
    qs = part
    low, high = qs.query.low_mark, qs.query.high_mark
    data = _array([_sent(f"{c.path}__{c.name}" if c.path else c.name, c.field) for c in _columns(qs)])
    ranked = qs.all()
    ranked.query.clear_limits()
    ranked = ranked.annotate(**{RANK: Window(RowNumber(), order_by=_ordering(qs))}).order_by()
    if low:
        ranked = ranked.filter(**{f"{RANK}__gt": low})
    if high is not None:
        ranked = ranked.filter(**{f"{RANK}__lte": high})
    return ranked.values(part=Value(label), **{RANK: F(RANK)}, data=data)


@dataclass(frozen=True)
class _Shape:
    """What turns a part's rows back into objects, without the part itself (a plan keeps only this):
    the model (None for a Rows part, read as dicts), its annotations' names and the columns sent."""

    model: type | None
    annotations: frozenset
    columns: tuple  # (_Column, …) of a model part; ((name, field), …) of a Rows part


def _shape(part) -> _Shape:
    if isinstance(part, Rows):
        query = part.queryset.query
        return _Shape(None, frozenset(), tuple((n, query.resolve_ref(n).output_field) for n in part.names))
    return _Shape(part.model, frozenset(part.query.annotations), tuple(_columns(part)))


def _instance(shape: _Shape, values: list, connection):
    by_path: dict[str, tuple[list, list]] = {}
    annotations = {}
    for col, value in zip(shape.columns, values, strict=True):
        value = _received(value, col.field, connection)
        if col.path == "" and col.name in shape.annotations:
            annotations[col.name] = value
            continue
        names, got = by_path.setdefault(col.path, ([], []))
        names.append(col.name)
        got.append(value)
    objects = {}
    for path, (names, got) in by_path.items():
        model = _model_of(shape.model, path)
        pk_at = names.index(model._meta.pk.attname)
        objects[path] = model.from_db(connection.alias, names, got) if got[pk_at] is not None else None
    obj = objects[""]
    for name, value in annotations.items():
        setattr(obj, name, value)
    for path in sorted(p for p in objects if p):  # parents before their children
        parent_path, _, name = path.rpartition("__")
        parent = objects[parent_path]
        if parent is not None:
            parent._meta.get_field(name).set_cached_value(parent, objects[path])
    return obj


@dataclass(frozen=True)
class Part:
    """A part given by how to build it, so that its statement is compiled once per process: `build(args)`
    gives the queryset (or Rows) for the reading's arguments (a dict of integer ids, e.g. {"customer":
    42}); `key` is everything else the built statement depends on (a date, a policy value, a slice's
    size). The statement must take the arguments as plain parameters (customer_id=args["customer"]):
    read_together refuses a part whose SQL changes with them."""

    build: Callable[[dict], QuerySet | Rows]
    key: Hashable = ()


@dataclass(frozen=True)
class _Plan:
    """The compiled UNION ALL of a set of parts: its SQL, its parameters (with each argument's places)
    and the parts built once, which say how to turn each part's rows back into objects."""

    sql: str
    params: tuple
    slots: tuple[tuple[int, str], ...]  # (place in params, argument name)
    shapes: dict  # name → _Shape of each part that is not empty
    # PostgreSQL: the constants written into the text, only the arguments bound on the server, and
    # the statement prepared on the connection (xindang.core.db): planning a union of a dozen parts
    # costs the server several times executing it.
    server_bound: bool = False


# Compiled statements kept per process, about 20 KB each (a plan's key holds its day: old days fall out).
PLANS_KEPT = 1024
_plans = Kept(PLANS_KEPT)


def read_together(parts: dict, *, using: str = "default", args: dict | None = None) -> dict[str, list]:
    """{name: rows of parts[name]} in one statement (none when every part is empty).

    Parts are querysets (or Rows), compiled at every call, or all of them `Part`s with `args`: then the
    statement is compiled on the first call for the same names and keys and only executed afterwards,
    with the arguments put in their places (building and compiling some hundred expressions costs more
    than the statement itself)."""
    connection = connections[using]
    if parts and all(isinstance(p, Part) for p in parts.values()):
        plan = _plan(parts, args or {}, connection)
        if not plan.shapes:
            return {name: [] for name in parts}
        return _decode(parts, plan.shapes, _run(plan, args or {}, connection), connection)
    live = {name: p for name, p in parts.items() if not _query(p).is_empty()}
    if not live:
        return {name: [] for name in parts}
    sql, params = _union_sql(live, connection)
    shapes = {name: _shape(p) for name, p in live.items()}
    return _decode(parts, shapes, _execute(connection, sql, params), connection)


def _union_sql(live: dict, connection) -> tuple[str, tuple]:
    branches = [_branch(name, p) for name, p in live.items()]
    union = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
    union = union.values_list("part", RANK, "data")
    sql, params = union.query.get_compiler(connection=connection).as_sql()
    return sql, tuple(params)


def _execute(connection, sql: str, params) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _decode(parts: dict, shapes: dict, rows: list, connection) -> dict[str, list]:
    result: dict[str, list] = {name: [] for name in parts}
    ranked: dict[str, list] = {name: [] for name in shapes}
    for label, rank, data in rows:
        ranked[label].append((int(rank), [v for chunk in json.loads(data) for v in chunk]))
    for name, got in ranked.items():
        shape = shapes[name]
        got.sort(key=lambda r: r[0])
        if shape.model is None:
            result[name] = [
                {n: _received(v, f, connection) for (n, f), v in zip(shape.columns, values, strict=True)}
                for _rank, values in got
            ]
        else:
            result[name] = [_instance(shape, values, connection) for _rank, values in got]
    return result


def _sentinels(args: dict, salt: int) -> dict:
    """Stand-ins for the arguments while a plan is compiled: negative ids no row has, different in the
    two builds (and from each other) so that their places can be told from every other parameter; a
    list argument (ids sent as one array) stands in as a list of one such id."""
    out = {}
    for i, name in enumerate(sorted(args)):
        value = -2_000_000_000 + salt * 1_000 + i
        out[name] = [value] if isinstance(args[name], list) else value
    return out


def _slot_of(value, by_value: dict):
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    return by_value.get(value) if isinstance(value, int) else None


def _compiled(key: Hashable, build: Callable, args: dict, connection, what: str) -> _Plan:
    """The plan of `key`: build(stand_ins) gives (sql, params, shapes) and is called twice with
    different stand-ins on the first call for the key, to find the arguments' places."""
    key = (
        connection.alias,
        key,
        tuple(sorted(args)),
        tuple(isinstance(v, list) for _k, v in sorted(args.items())),
    )
    return _plans.get_or_build(key, lambda: _compile(build, args, connection, what))


def _compile(build: Callable, args: dict, connection, what: str) -> _Plan:
    (first, (sql, params, shapes)), (second, (sql_2, params_2, shapes_2)) = [
        (stand_ins, build(stand_ins)) for stand_ins in (_sentinels(args, 1), _sentinels(args, 2))
    ]
    by_value = {(v[0] if isinstance(v, list) else v): name for name, v in first.items()}
    slots = tuple((i, name) for i, v in enumerate(params) if (name := _slot_of(v, by_value)) is not None)
    same_elsewhere = all(
        params[i] == params_2[i] for i in range(len(params)) if i not in dict(slots)
    ) and all(params_2[i] == second[name] for i, name in slots)
    if sql != sql_2 or shapes.keys() != shapes_2.keys() or len(params) != len(params_2) or not same_elsewhere:
        raise ValueError(f"read_together: {what} do not take {sorted(args)} as parameters")
    plan = _Plan(sql=sql, params=params, slots=slots, shapes=shapes)
    if sql and fixed_statements.server_binding(connection):
        text, kept = fixed_statements.inline_constants(connection, sql, params, dict(slots))
        names = dict(slots)
        plan = _Plan(
            sql=text,
            params=tuple(params[i] for i in kept),
            slots=tuple((j, names[i]) for j, i in enumerate(kept)),
            shapes=shapes,
            server_bound=True,
        )
    return plan


def _plan(parts: dict, args: dict, connection) -> _Plan:
    def build(stand_ins):
        built = {name: p.build(stand_ins) for name, p in parts.items()}
        live = {name: b for name, b in built.items() if not _query(b).is_empty()}
        sql, params = _union_sql(live, connection) if live else ("", ())
        return sql, params, {name: _shape(p) for name, p in live.items()}

    key = tuple((name, p.key) for name, p in parts.items())
    return _compiled(key, build, args, connection, f"the parts {sorted(parts)}")


def _run(plan: _Plan, args: dict, connection) -> list:
    if not plan.sql:  # every part empty: nothing to ask
        return []
    params = list(plan.params)
    for place, name in plan.slots:
        params[place] = args[name]
    if plan.server_bound:
        return fixed_statements.fetchall(plan.sql, params, using=connection.alias)
    return _execute(connection, plan.sql, params)


def read_compiled(
    key: Hashable, build: Callable[[dict], tuple[str, tuple]], args: dict, *, using: str = "default"
):
    """The rows of the statement build(args) gives (its SQL and parameters, as a queryset's compiler
    gives them), compiled once per process for `key` and the arguments' names, as read_together's
    parts are: `args` are integer ids or lists of them (sent as one array), and the statement must take
    them as plain parameters. On PostgreSQL bound on the server and prepared (xindang.core.db)."""
    connection = connections[using]
    plan = _compiled(("compiled", key), lambda a: (*build(a), {}), args, connection, f"the statement {key!r}")
    return _run(plan, args, connection)


def _query(part):
    return part.queryset.query if isinstance(part, Rows) else part.query
