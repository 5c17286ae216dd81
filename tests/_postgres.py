"""A throwaway PostgreSQL database for a test, on the server .ci/run starts.

.ci/run exports SERVICEPLAN_TEST_POSTGRES_URL (a role that may create databases); without it
the tests that need PostgreSQL skip, with the reason (a failure under CI=true, see
conftest.py)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from psycopg import sql

ENV = "SERVICEPLAN_TEST_POSTGRES_URL"


def server_url() -> str:
    url = os.environ.get(ENV, "")
    if not url:
        pytest.skip(f"no PostgreSQL server: {ENV} is not set (.ci/run starts one and sets it)")
    return url


@contextmanager
def throwaway_database() -> Iterator[str]:
    """The URL of a new, empty database, dropped afterwards."""
    url = server_url()
    name = f"serviceplan_{secrets.token_hex(6)}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
