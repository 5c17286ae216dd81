"""A tenant inventory in a database: `--tenants sqlite:///tenants.db` or `postgresql://...`.

SQLAlchemy Core (imported only when a URL is given) reads the rows with a server-side cursor,
in a read-only transaction (SQLite `mode=ro`, PostgreSQL `SET TRANSACTION READ ONLY`). The
table is quoted as an identifier, never pasted into SQL; `--tenants-query` runs the user's own
SELECT. Column names may spell the inventory's dot as `__` (`mailboxes__Premium`). A row is
named by its table and key (`tenants.db:tenants[name='Contoso']`) where a file gives a line.
A password in a URL is masked in every message (`mask_url`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, UsageError
from ..model import Location

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

DEFAULT_TABLE = "tenants"
BATCH = 1000  # rows fetched from the server at a time
EXTRA = 'pip install "serviceplan[postgresql]"'
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_DRIVERS = {"postgresql": "postgresql+psycopg", "postgres": "postgresql+psycopg"}
_PREFIXES = ("mailboxes", "used")

Cell = str | int | float | bool | None


def is_url(source: str) -> bool:
    """A database URL (`scheme://...`), not a file name."""
    return bool(_URL.match(source)) and not Path(source).exists()


def mask_url(source: str) -> str:
    """The URL with its password hidden (`***`): safe for any message, report or index."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(source).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy reads: hide anything between : and @
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", source)


def column_name(column: str) -> str:
    """`mailboxes__Premium` -> `mailboxes.Premium`; other columns as they are."""
    head, sep, tail = column.partition("__")
    if sep and tail and head.casefold() in _PREFIXES:
        return f"{head.casefold()}.{tail}"
    return column


def sql_name(column: str) -> str:
    """The other way, for the tables `tenants import` makes: a dot becomes `__`."""
    head, sep, tail = column.partition(".")
    return f"{head}__{tail}" if sep and head in _PREFIXES else column


def label(source: str) -> str:
    """What names the database in a row's location: the SQLite file's name, else the
    database's name (never the URL, which may hold a password)."""
    url = _url(source)
    database = url.database or ""
    if url.get_backend_name() == "sqlite":
        return Path(database).name or "sqlite"
    return database or url.get_backend_name()


def _url(source: str) -> Any:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(source)
    except ArgumentError as error:
        raise UsageError(
            f"--tenants {mask_url(source)}: not a database URL ({error})",
            hint="e.g. sqlite:///tenants.db or postgresql://user@host:5432/db",
        ) from None
    return url.set(drivername=_DRIVERS.get(url.drivername, url.drivername))


def engine(source: str, *, write: bool = False) -> Engine:
    """An engine for the URL; SQLite opened read-only unless `write`."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    url = _url(source)
    shown = mask_url(source)
    try:
        if url.get_backend_name() == "sqlite":
            return _sqlite(url, shown, write=write)
        return create_engine(url)
    except (NoSuchModuleError, ImportError) as error:
        hint = EXTRA if url.get_backend_name() == "postgresql" else "install the database driver"
        raise UsageError(
            f"{shown}: no driver for {url.drivername} is installed ({error})", hint=hint
        ) from None
    except ArgumentError as error:
        raise UsageError(f"{shown}: {error}") from None


def _sqlite(url: Any, shown: str, *, write: bool) -> Engine:
    import sqlite3

    from sqlalchemy import create_engine, event

    path = url.database or ""
    if not path or path == ":memory:":
        raise UsageError(f"{shown}: name the database file, e.g. sqlite:///tenants.db")
    if not write and not Path(path).is_file():
        raise InputError(
            f"{shown}: no database file {path}",
            hint=f"create it with: serviceplan tenants import tenants.csv {shown}",
        )
    target = Path(path).resolve().as_uri() + ("?mode=ro" if not write else "")

    def connect() -> sqlite3.Connection:
        # the driver's own transaction handling would run DDL outside the transaction: BEGIN
        # is ours (below), so `import --replace` drops and makes the table atomically
        return sqlite3.connect(target, uri=True, isolation_level=None)

    made = create_engine("sqlite://", creator=connect)
    event.listen(made, "begin", lambda connection: connection.exec_driver_sql("BEGIN"))
    return made


def failure(source: str, error: BaseException, doing: str, *, write: bool = False) -> InputError:
    """One line for a driver's error (unreachable server, wrong password, a query error), with
    a hint for the database it is: a SQLite file's folder, else the server and password."""
    shown = mask_url(source)
    detail = str(getattr(error, "orig", None) or error).strip().splitlines()
    first = detail[0] if detail else type(error).__name__
    first = first.replace(str(_password(source)), "***") if _password(source) else first
    # psycopg says "connection failed: " before what failed, and `doing` says it already
    first = first.removeprefix("connection failed: ")
    return InputError(f"{shown}: {doing} failed: {first}", hint=_hint(source, first, write))


def _hint(source: str, first: str, write: bool) -> str:
    if "does not exist" in first or "no such" in first:
        return "check the table and column names (--tenants-table, --tenants-query)"
    try:
        url = _url(source)
    except UsageError:
        url = None
    if url is None or url.get_backend_name() != "sqlite":
        return (
            "check the URL, that the server runs, and the user's password (PGPASSWORD, ~/.pgpass)"
        )
    path = Path(url.database or "")
    if write:
        return f"the folder {path.parent} must exist and be writable (the database is made there)"
    return f"check that {path} is a SQLite database you can read"


def _password(source: str) -> str | None:
    try:
        return _url(source).password  # type: ignore[no-any-return]
    except UsageError:
        return None


@contextmanager
def read_only(source: str) -> Iterator[Connection]:
    """A connection in a read-only transaction, rolled back at the end."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    made = engine(source)
    try:
        try:
            connection = made.connect()
        except SQLAlchemyError as error:
            raise failure(source, error, "connecting") from None
        with connection, connection.begin():
            if made.dialect.name == "postgresql":
                connection.execute(text("SET TRANSACTION READ ONLY"))
            yield connection
    finally:
        made.dispose()


def select_rows(
    connection: Connection, source: str, table: str | None, query: str | None
) -> tuple[list[str], Iterator[Sequence[Cell]]]:
    """The column names and the rows (the inventory's cells: numbers, text, true/false or
    None), fetched BATCH at a time."""
    from sqlalchemy import inspect, literal_column, select, text
    from sqlalchemy import table as table_of
    from sqlalchemy.exc import SQLAlchemyError

    if query is not None:
        statement: Any = text(query)
    else:
        name = table or DEFAULT_TABLE
        schema, _, bare = name.rpartition(".")
        try:
            found = inspect(connection).has_table(bare, schema=schema or None)
        except SQLAlchemyError as error:
            raise failure(source, error, "reading the table list") from None
        if not found:
            raise InputError(
                f"{mask_url(source)}: no table {name}",
                hint=f"load one with: serviceplan tenants import tenants.csv {mask_url(source)}"
                f" --table {name}, or name another with --tenants-table",
            )
        statement = select(literal_column("*")).select_from(table_of(bare, schema=schema or None))
    streaming = connection.execution_options(stream_results=True, yield_per=BATCH)
    try:
        result = streaming.execute(statement)
    except SQLAlchemyError as error:
        raise failure(source, error, "the query" if query else "reading the table") from None
    if not result.returns_rows:
        raise UsageError(f"--tenants-query returns no rows: {query}", hint="give a SELECT")
    keys = result.keys()
    return [column_name(str(key)) for key in keys], _rows(result, source)


def _rows(result: Any, source: str) -> Iterator[Sequence[Cell]]:
    from sqlalchemy.exc import SQLAlchemyError

    try:
        for row in result:
            yield row if _PLAIN_TYPES.issuperset(map(type, row)) else tuple(map(_cell, row))
    except SQLAlchemyError as error:
        raise failure(source, error, "reading the rows") from None


_PLAIN_TYPES = frozenset((str, int, float, bool, type(None)))


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def row_location(where: str, name: Cell, number: int) -> Location:
    """`tenants.db:tenants[name='Contoso']`: the row by its key (its `name` cell), else by its
    number."""
    key = str(name).strip() if name is not None else ""
    if key:
        return Location(f"{where}[name={_quoted(key)}]")
    return Location(f"{where}[row {number}]")


def _quoted(text: str) -> str:
    return "'" + text[:200].replace("'", "''") + "'"
