"""Render's file names: one safe name per tenant, inside the output folder."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from serviceplan.render.names import collisions, index_name, is_safe_name, tenant_file_name

# --------------------------------------------------------------------------- file names

SAFE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")
DEVICES = re.compile(r"(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?", re.IGNORECASE)


class TestFileNames:
    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            ("Contoso", "Contoso.ps1"),
            ("Alpine Ski House", "Alpine_Ski_House.ps1"),
            ("contoso.com", "contoso.com.ps1"),
            ("Müller AG", "Muller_AG.ps1"),
            ("CON", "CON_.ps1"),
            ("nul.txt", "nul_.txt.ps1"),
            ("com1", "com1_.ps1"),
            ("LPT9.x", "LPT9_.x.ps1"),
            ("Console", "Console.ps1"),
        ],
    )
    def test_readable_names(self, name: str, expected: str) -> None:
        assert tenant_file_name(name, ".ps1") == expected

    @pytest.mark.parametrize(
        "name", ["O'Brien", "a$(rm -rf /)", "x;y", "back`tick", "new\nline", "../x", "..",
                 ".", "/etc/passwd", "a\\b", "東京", "-WhatIf", "a:b", "x" * 300],
    )  # fmt: skip
    def test_lossy_names_get_a_hash(self, name: str) -> None:
        produced = tenant_file_name(name, ".ps1")
        assert re.fullmatch(r".*-[0-9a-f]{10}\.ps1", produced), produced
        assert SAFE.fullmatch(produced)
        assert len(produced) <= 100 + len(".ps1")

    def test_index_names_are_reserved(self) -> None:
        assert tenant_file_name("index", ".json") == "index_.json"
        assert tenant_file_name("INDEX.2-of-3", ".json") == "INDEX.2-of-3_.json"
        assert tenant_file_name("index", ".ps1") == "index.ps1"
        assert (index_name((1, 1)), index_name((2, 3))) == ("index.json", "index.2-of-3.json")
        assert not is_safe_name("index.json") and not is_safe_name("../x")
        assert is_safe_name("Contoso.ps1")

    @given(st.text(max_size=300))
    def test_every_name_is_one_safe_component(self, name: str) -> None:
        produced = tenant_file_name(name, ".ps1")
        stem = produced.removesuffix(".ps1")
        assert SAFE.fullmatch(produced), produced
        assert "/" not in produced and "\\" not in produced and not produced.startswith(".")
        assert not DEVICES.fullmatch(stem.split(".")[0] or "x")
        assert len(stem) <= 101  # 100, and a `_` after a device name
        assert is_safe_name(produced)
        assert tenant_file_name(name, ".ps1") == produced  # deterministic

    @given(st.lists(st.text(min_size=1, max_size=20), min_size=2, max_size=2, unique=True))
    def test_lossy_names_never_meet(self, names: list[str]) -> None:
        first, second = (tenant_file_name(name, "") for name in names)
        hashed = [re.search(r"-[0-9a-f]{10}$", produced) for produced in (first, second)]
        same = unicodedata.normalize("NFC", names[0]) == unicodedata.normalize("NFC", names[1])
        if all(hashed) and not same:
            assert first != second

    def test_collisions_ignore_case_and_name_each_other(self) -> None:
        names = ["Alpine_Ski_House.ps1", "a.ps1", "alpine_ski_house.ps1", "b.ps1", "A.ps1"]
        assert collisions(names) == {0: [2], 2: [0], 1: [4], 4: [1]}
