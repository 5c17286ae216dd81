"""Render's template environment: the filters, output policy and templates."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from serviceplan.errors import UsageError
from serviceplan.render.context import Record
from serviceplan.render.env import (
    UNSAFE,
    JsonText,
    PsLiteral,
    TemplateSpec,
    UnsafeValue,
    describe_failure,
    environment,
    find_template,
    load_template,
    ps_quote,
    size,
    tojson,
)
from serviceplan.render.values import Token
from serviceplan.values import UNLIMITED

PS_QUOTES = "'\u2018\u2019\u201a\u201b"


def ps_single_quoted(literal: str) -> tuple[str, int]:
    """PowerShell's tokenizer for a single-quoted string (its rules, written out): the text it
    denotes and how many characters the string token takes. Inside the quotes a quote
    character followed by another one is one literal quote; a lone one ends the string;
    nothing else is special ($, backtick, newline, semicolon)."""
    assert literal[0] in PS_QUOTES
    text, position = [], 1
    while position < len(literal):
        char = literal[position]
        if char in PS_QUOTES:
            if position + 1 < len(literal) and literal[position + 1] in PS_QUOTES:
                text.append(char)
                position += 2
                continue
            return "".join(text), position + 1
        text.append(char)
        position += 1
    raise AssertionError(f"unterminated string: {literal!r}")


# --------------------------------------------------------------------------- ps_quote


class TestPsQuote:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("Contoso", "'Contoso'"),
            ("O'Brien", "'O''Brien'"),
            ("a$(rm -rf /)", "'a$(rm -rf /)'"),
            ("x;y", "'x;y'"),
            ("back`tick", "'back`tick'"),
            ("$env:USERPROFILE", "'$env:USERPROFILE'"),
            ("\u2018smart\u2019", "'\u2018\u2018smart\u2019\u2019'"),
            ("\u201alow\u201b", "'\u201a\u201alow\u201b\u201b'"),
            ("", "''"),
            (250, "'250'"),
        ],
    )
    def test_literals(self, value: object, expected: str) -> None:
        quoted = ps_quote(value)
        assert quoted == expected
        assert type(quoted) is PsLiteral

    @pytest.mark.parametrize("char", ["\n", "\r", "\x00", "\t", "\x1b", "\x85", "\u2028",
                                      "\u2029", "\u202e", "\u2066"])  # fmt: skip
    def test_control_characters_are_refused(self, char: str) -> None:
        with pytest.raises(UnsafeValue, match=f"U\\+{ord(char):04X}"):
            ps_quote(f"a{char}b")

    @pytest.mark.parametrize("value", [True, ["a"], {"a": 1}])
    def test_only_text_and_numbers(self, value: object) -> None:
        with pytest.raises(UnsafeValue, match="ps_quote takes text or a number"):
            ps_quote(value)

    def test_undefined_names_what_is_missing(self) -> None:
        with pytest.raises(jinja2.UndefinedError, match="nope"):
            ps_quote(jinja2.StrictUndefined(name="nope"))

    @given(st.text(st.one_of(st.sampled_from([*PS_QUOTES, *"$`;()\"@ab \t\n"]),
                             st.characters(blacklist_categories=("Cs",)))))  # fmt: skip
    def test_round_trip_through_the_powershell_tokenizer(self, text: str) -> None:
        if UNSAFE.search(text):
            with pytest.raises(UnsafeValue):
                ps_quote(text)
            return
        literal = ps_quote(text)
        denoted, used = ps_single_quoted(literal)
        assert denoted == text
        assert used == len(literal), "the string ended early: the rest would run as code"


# --------------------------------------------------------------------------- tojson, size


class TestTojson:
    def test_order_unicode_and_types(self) -> None:
        value = {"b": 1, "a": "Müller", "u": UNLIMITED, "t": timedelta(hours=1), "l": (1, 2)}
        text = tojson(value, indent=None)
        assert text == '{"b": 1, "a": "Müller", "u": "Unlimited", "t": 3600.0, "l": [1, 2]}'
        assert type(text) is JsonText

    def test_line_separators_and_bidi_controls_are_escaped(self) -> None:
        text = tojson("a\u2028b\u202ec\nd")
        assert text == '"a\\u2028b\\u202ec\\nd"'
        assert not UNSAFE.search(text)

    def test_undefined(self) -> None:
        with pytest.raises(jinja2.UndefinedError):
            tojson({"a": jinja2.StrictUndefined(name="gone")})


@pytest.mark.parametrize(
    ("value", "expected"),
    [(10 * 2**30, "10GB"), (100 * 2**20, "100MB"), (1000, "1000B"), ("Unlimited", "Unlimited"),
     (UNLIMITED, "Unlimited")],
)  # fmt: skip
def test_size(value: object, expected: str) -> None:
    written = size(value)
    assert written == expected
    assert type(written) is Token  # bare in PowerShell, as a number


# --------------------------------------------------------------------------- output policy


def template_file(tmp_path: Path, name: str, source: str) -> TemplateSpec:
    (tmp_path / name).write_text(source, encoding="utf-8")
    return find_template(str(tmp_path / name))


def render(spec: TemplateSpec, **context: object) -> str:
    return str(load_template(spec).render(**context))


class TestOutputPolicy:
    def test_powershell_needs_ps_quote_for_text(self, tmp_path: Path) -> None:
        spec = template_file(tmp_path, "t.ps1", "New-Thing -Name {{ name }}\n")
        assert render(spec, name=42) == "New-Thing -Name 42\n"
        assert render(spec, name=2.5) == "New-Thing -Name 2.5\n"
        assert render(spec, name=True) == "New-Thing -Name True\n"
        for hostile in ("a$(rm -rf /)", "x;y", "two words", "-WhatIf", "@splat", "O'Brien"):
            with pytest.raises(UnsafeValue, match="must go through ps_quote"):
                render(spec, name=hostile)

    def test_powershell_accepts_quoted_values(self, tmp_path: Path) -> None:
        spec = template_file(tmp_path, "t.ps1.j2", "-Name {{ name | ps_quote }}\n")
        assert spec.suffix == ".ps1"
        assert render(spec, name="a$(b)") == "-Name 'a$(b)'\n"

    def test_quoting_then_changing_loses_the_mark(self, tmp_path: Path) -> None:
        spec = template_file(tmp_path, "t.ps1", "{{ (name | ps_quote) ~ '' }}\n")
        with pytest.raises(UnsafeValue):
            render(spec, name="a b")

    def test_json_needs_tojson(self, tmp_path: Path) -> None:
        spec = template_file(tmp_path, "t.json", '{"name": "{{ name }}"}\n')
        with pytest.raises(UnsafeValue, match="must go through tojson"):
            render(spec, name='x", "admin": true, "y": "')
        spec = template_file(tmp_path, "u.json", '{"name": {{ name | tojson }}}\n')
        assert render(spec, name='x"y') == '{"name": "x\\"y"}\n'

    def test_json_refuses_ps_literals(self, tmp_path: Path) -> None:
        spec = template_file(tmp_path, "t.json", "{{ name | ps_quote }}\n")
        with pytest.raises(UnsafeValue):
            render(spec, name="a b")

    def test_text_templates_allow_words_but_no_control_characters(self, tmp_path: Path) -> None:
        spec = template_file(tmp_path, "t.txt", "Hello {{ name }}\n")
        assert render(spec, name="O'Brien & Sons") == "Hello O'Brien & Sons\n"
        with pytest.raises(UnsafeValue, match="U\\+000A"):
            render(spec, name="a\nRemove-Item")

    def test_raw_containers_are_refused(self, tmp_path: Path) -> None:
        spec = template_file(tmp_path, "t.ps1", "{{ value }}\n")
        with pytest.raises(UnsafeValue, match="dict"):
            render(spec, value={"a": 1})

    def test_strict_undefined_names_the_missing_key(self, tmp_path: Path) -> None:
        spec = template_file(tmp_path, "t.txt", "line 1\n{{ tenant.nmae }}\n")
        with pytest.raises(jinja2.UndefinedError, match=r"'nmae'.*name") as caught:
            render(spec, tenant=Record(name="x"))
        failure = describe_failure(caught.value, spec, caught.value.__traceback__)
        line, message = failure.line, failure.message
        assert line == 2
        assert message.startswith(f"{spec.display}:2: no attribute 'nmae'")

    def test_errors_in_filters_point_at_the_template_line(self, tmp_path: Path) -> None:
        spec = template_file(tmp_path, "t.ps1", "# a\n# b\n{{ name | ps_quote }}\n")
        with pytest.raises(UnsafeValue) as caught:
            render(spec, name="a\nb")
        failure = describe_failure(caught.value, spec, caught.value.__traceback__)
        line, message = failure.line, failure.message
        assert (line, message.split(": ")[0]) == (3, f"{spec.display}:3")

    def test_other_exceptions_keep_their_type(self, tmp_path: Path) -> None:
        spec = template_file(tmp_path, "t.txt", "{{ 1 // n }}\n")
        with pytest.raises(ZeroDivisionError) as caught:
            render(spec, n=0)
        failure = describe_failure(caught.value, spec, caught.value.__traceback__)
        _, message = failure.line, failure.message
        assert message.endswith(":1: ZeroDivisionError: integer division or modulo by zero")


# --------------------------------------------------------------------------- templates


class TestTemplates:
    @pytest.mark.parametrize("name", ["new-organization.ps1", "update-serviceplan.ps1",
                                      "tenant.json"])  # fmt: skip
    def test_builtins_resolve_from_anywhere(
        self, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)
        (tmp_path / name).write_text("a local file of the same name\n", encoding="utf-8")
        spec = find_template(name)
        assert spec.builtin and spec.name == name
        assert spec.path.is_file() and spec.path != tmp_path / name
        load_template(spec)
        local = find_template(f"./{name}")
        assert not local.builtin and local.path == tmp_path / name

    @pytest.mark.parametrize(
        ("file", "suffix", "kind"),
        [("a.ps1.j2", ".ps1", "powershell"), ("a.PSM1", ".PSM1", "powershell"),
         ("a.json.jinja2", ".json", "json"), ("a.txt", ".txt", "text"), ("a.j2", "", "text"),
         ("a", "", "text"), ("a.we ird", "", "text")],
    )  # fmt: skip
    def test_suffix_and_kind(self, tmp_path: Path, file: str, suffix: str, kind: str) -> None:
        spec = template_file(tmp_path, file, "x\n")
        assert (spec.suffix, spec.kind) == (suffix, kind)

    def test_unknown_name(self) -> None:
        with pytest.raises(UsageError, match="no such template") as caught:
            find_template("nope.ps1")
        assert "new-organization.ps1" in caught.value.hint
        assert "did you mean" not in str(caught.value)

    def test_a_misspelt_builtin_is_suggested(self) -> None:
        with pytest.raises(UsageError) as caught:
            find_template("new-organisation.ps1")
        assert str(caught.value).endswith(
            "no such template or file: did you mean new-organization.ps1?"
        )

    def test_a_path_is_not_taken_for_a_misspelt_builtin(self, tmp_path: Path) -> None:
        with pytest.raises(UsageError) as caught:
            find_template(str(tmp_path / "new-organisation.ps1"))
        assert "did you mean" not in str(caught.value)

    def test_a_folder_is_not_a_template(self, tmp_path: Path) -> None:
        with pytest.raises(UsageError, match="not a file"):
            find_template(str(tmp_path))

    def test_syntax_error_is_a_usage_error_with_the_line(self, tmp_path: Path) -> None:
        spec = template_file(tmp_path, "t.txt", "ok\nok\n{% if %}\n")
        with pytest.raises(UsageError, match=r"t\.txt:3: template syntax error"):
            load_template(spec)

    def test_one_environment_strict_and_unescaped(self) -> None:
        env = environment(find_template("tenant.json"))
        assert env.undefined.__mro__[1] is jinja2.StrictUndefined
        assert not env.autoescape and env.keep_trailing_newline
        assert {"ps_quote", "tojson", "size"} <= set(env.filters)


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("Contoso", "Contoso"),
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ('=HYPERLINK("http://x")', '"\'=HYPERLINK(""http://x"")"'),
        ("a,b", '"a,b"'),
        (" lead", '" lead"'),
    ],
)
def test_csv_cells_are_never_formulas(text: str, cell: str) -> None:
    from serviceplan.render.env import csv_cell

    assert csv_cell(text) == cell
