"""Templates for `serviceplan render`: one Jinja2 environment (StrictUndefined), each template
compiled once, the escaping filters, and template errors turned into messages that name the
template's line.

Output policy, enforced on every `{{ ... }}` of a template (Jinja2's `finalize` hook). The rule
depends on the template and the type of the value, never on the text of the value, so a
template either works for every tenant or fails on the first:

- no value may carry a control character, a line or paragraph separator or a bidirectional
  control (a newline could end a comment and start a command; an override could make the
  script read differently from what runs);
- no unset value (render.values.Unset, or None) is ever written: the template tests for it
  first; `tojson` alone writes it, as null;
- in PowerShell templates (.ps1, .psm1, .psd1) every text value must come out of `ps_quote`,
  and in JSON templates out of `tojson`; numbers and booleans are written as they are, and in
  PowerShell so are serviceplan's own tokens (a size from `size`, Unlimited, its version);
- in CSV templates (.csv) every text value is written as a safe cell: quoted when it holds a
  comma or a quote, and a value a spreadsheet would run as a formula (starting with `=`, `+`,
  `-` or `@`) is prefixed with `'`, as OWASP advises against CSV injection.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple

import jinja2
import jinja2.meta

from ..errors import UsageError
from ..report.encode import encode_text
from ..suggest import with_suggestion
from ..values import UNLIMITED, Unlimited, format_bytes
from .builtins import BUILTIN_TEMPLATES
from .values import UNLIMITED as UNLIMITED_TOKEN
from .values import Missing, Silent, Token, Unset, is_none, warn

TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2")
POWERSHELL, JSON, CSV, TEXT = "powershell", "json", "csv", "text"
_KINDS = {".ps1": POWERSHELL, ".psm1": POWERSHELL, ".psd1": POWERSHELL, ".json": JSON, ".csv": CSV}

# C0 and C1 controls (tab and newline included), U+2028/2029, bidirectional controls
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# PowerShell ends a single-quoted string at any of these; each is escaped by doubling it
_PS_QUOTES = re.compile("['\u2018\u2019\u201a\u201b]")
_PS_SPECIAL = re.compile(f"{_PS_QUOTES.pattern}|{UNSAFE.pattern}")
_JSON_UNSAFE = re.compile("[\u2028\u2029\u202a-\u202e\u2066-\u2069]")


class SkipTenant(Exception):
    """Raised by `skip(reason)` in a template: this tenant gets no file (not an error)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnsafeValue(Exception):
    """A value the output policy refuses; `value` is the offending text, `kind` the message
    without it (the same for every tenant the template line fails alike)."""

    def __init__(self, message: str, value: str, kind: str = "") -> None:
        super().__init__(message)
        self.value = value
        self.kind = kind or message


def _unset(where: str) -> UnsafeValue:
    return UnsafeValue(
        f"{where}an unset value (none) would be written: test it first "
        "({% if ... is not none %}) or give a default (| default(...))",
        "",
    )


class PsLiteral(str):
    """Text `ps_quote` produced: a complete single-quoted PowerShell literal."""

    __slots__ = ()


class JsonText(str):
    """Text `tojson` produced: a complete JSON value."""

    __slots__ = ()


def _refuse_controls(text: str) -> None:
    found = UNSAFE.search(text)
    if found is not None:
        raise UnsafeValue(
            f"the value {text!r} contains the control character U+{ord(found.group()):04X}, "
            "which serviceplan never writes into a manifest",
            text,
        )


def ps_quote(value: object) -> PsLiteral:
    """A PowerShell single-quoted literal: nothing inside it is expanded (no `$`, backtick or
    subexpression); every single-quote character PowerShell knows is doubled."""
    if type(value) is str and _PS_SPECIAL.search(value) is None:  # the common case
        return PsLiteral(f"'{value}'")
    if isinstance(value, str):
        text = value
    elif isinstance(value, jinja2.Undefined):
        value._fail_with_undefined_error()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        text = str(value)
    elif value is None:
        raise _unset("ps_quote: ")
    else:
        raise UnsafeValue(f"ps_quote takes text or a number, not {type(value).__name__}", "")
    _refuse_controls(text)
    if "'" in text or not text.isascii():
        text = _PS_QUOTES.sub(lambda quote: quote.group() * 2, text)
    return PsLiteral(f"'{text}'")


def _json_default(value: object) -> object:
    if isinstance(value, Unset):
        return None  # JSON's own "no value"
    if isinstance(value, jinja2.Undefined):
        value._fail_with_undefined_error()
    if isinstance(value, Unlimited):
        return "Unlimited"
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, tuple | frozenset):
        return list(value)
    raise TypeError(f"tojson cannot write {type(value).__name__}")


def tojson(value: object, indent: int | None = 2) -> JsonText:
    """JSON text, keys in their given order, non-ASCII kept; line separators and bidirectional
    controls escaped (JSON already escapes control characters). An unset value is null."""
    if isinstance(value, Unset):
        return JsonText("null")
    if isinstance(value, jinja2.Undefined):
        value._fail_with_undefined_error()
    text = encode_text(value, indent=indent, newline=False, default=_json_default)
    if _JSON_UNSAFE.search(text):
        text = _JSON_UNSAFE.sub(lambda char: f"\\u{ord(char.group()):04x}", text)
    return JsonText(text)


def size(value: object) -> Token:
    """A byte count as plans write it (10GB, 512MB) or Unlimited; an unset value fails."""
    if isinstance(value, jinja2.Undefined):
        value._fail_with_undefined_error()
    if value is None:
        raise _unset("size: ")
    if value is UNLIMITED or value == "Unlimited":
        return UNLIMITED_TOKEN
    if isinstance(value, int) and not isinstance(value, bool):
        return Token(format_bytes(value))
    raise UnsafeValue(f"size takes a byte count, not {value!r}", "", "size takes a byte count")


def skip(reason: str) -> str:
    """`{{ skip("why") }}`: no file for this tenant; the reason is counted in the summary."""
    raise SkipTenant(str(reason))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """A CSV cell no spreadsheet runs as a formula: `'` before a formula's first character,
    and quotes (doubled inside) when the text holds a comma, a quote or starts with a space."""
    _refuse_controls(text)
    if text.startswith(_FORMULA_START):
        text = "'" + text
    if any(char in text for char in ',"') or text[:1] == " ":
        text = '"' + text.replace('"', '""') + '"'
    return text


_SAFE_TEXT = (PsLiteral, JsonText, Token)  # made by serviceplan: no control character


def _finalizer(kind: str) -> Callable[[Any], Any]:
    escaped = {POWERSHELL: PsLiteral, JSON: JsonText}.get(kind)
    needs = {POWERSHELL: "ps_quote", JSON: "tojson"}.get(kind, "")
    bare = (int, float, bool, Silent, Token) if kind == POWERSHELL else (int, float, bool, Silent)

    def finalize(value: Any) -> Any:
        cls = type(value)
        if cls is escaped or cls in bare:
            return value
        if isinstance(value, str):
            if kind == CSV:
                return csv_cell(value)
            if escaped is None:
                if cls not in _SAFE_TEXT:
                    _refuse_controls(value)
                return value
            # by type, never by text: a plain word would pass for "Contoso" and fail later
            # for "Alpine Ski House"
            _refuse_controls(value)
            raise UnsafeValue(
                f"the value {value!r} must go through {needs} in a {kind} template",
                value,
                f"a text value must go through {needs} in a {kind} template",
            )
        if isinstance(value, jinja2.Undefined):
            value._fail_with_undefined_error()  # StrictUndefined: name what is missing
        if value is None:
            raise _unset("")
        raise UnsafeValue(
            f"a {cls.__name__} cannot be written raw into a {kind} template"
            + (f": use {needs}" if needs else ""),
            "",
        )

    return finalize


@dataclass(frozen=True, slots=True)
class TemplateSpec:
    """Which template to load: picklable, so a worker process builds its own environment."""

    display: str  # the built-in's name, or the path as given
    folder: str  # the loader's folder
    file: str  # the template's file name in that folder
    builtin: bool

    @property
    def name(self) -> str:
        """The name recorded in index.json: the built-in's name, or the file's own name."""
        return self.display if self.builtin else self.file

    @property
    def suffix(self) -> str:
        """The extension of the files it renders: the template's, less .j2/.jinja/.jinja2."""
        stem = self.file
        for ending in TEMPLATE_SUFFIXES:
            if stem.casefold().endswith(ending):
                stem = stem[: -len(ending)]
                break
        suffix = Path(stem).suffix
        return suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,16}", suffix) else ""

    @property
    def kind(self) -> str:
        return _KINDS.get(self.suffix.casefold(), TEXT)

    @property
    def path(self) -> Path:
        return Path(self.folder) / self.file


def builtin_folder() -> str:
    return str(resources.files("serviceplan.templates"))


def find_template(given: str) -> TemplateSpec:
    """A built-in's name (exactly, no folder part) is the built-in; anything else is a path
    (write ./new-organization.ps1 for a file of your own with a built-in's name)."""
    if given in BUILTIN_TEMPLATES:
        return TemplateSpec(given, builtin_folder(), given, builtin=True)
    path = Path(given)
    if not path.is_file():
        known = ", ".join(BUILTIN_TEMPLATES)
        what = "not a file" if path.exists() else "no such template or file"
        message = f"--template {given}: {what}"
        if not path.exists() and path.name == given:  # a bare name: a misspelt built-in?
            message = with_suggestion(message, given, BUILTIN_TEMPLATES)
        raise UsageError(message, hint=f"built-in templates: {known}")
    return TemplateSpec(given, str(path.resolve().parent), path.name, builtin=False)


def environment(spec: TemplateSpec) -> jinja2.Environment:
    """The one environment of a run (or of a worker process)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(spec.folder),
        undefined=Missing,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        finalize=_finalizer(spec.kind),
    )
    env.filters.update(ps_quote=ps_quote, tojson=tojson, size=size)
    env.tests["none"] = is_none
    env.globals.update(skip=skip, warn=warn)
    return env


def load_template(spec: TemplateSpec) -> jinja2.Template:
    """Compile the template once; a syntax error is a usage error (exit 2), before rendering."""
    env = environment(spec)
    try:
        template = env.get_template(spec.file)
    except jinja2.TemplateSyntaxError as error:
        where = spec.display if error.filename in (None, str(spec.path)) else error.filename
        raise UsageError(
            f"{where}:{error.lineno}: template syntax error: {error.message}",
            hint="fix the template; nothing was rendered",
        ) from error
    except (jinja2.TemplateNotFound, OSError, UnicodeDecodeError) as error:
        raise UsageError(f"--template {spec.display}: cannot read: {error}") from error
    # a plain dict instead of Jinja2's ChainMap: each render copies the globals, and copying
    # a ChainMap is a Python loop (a sixth of a manifest's render time)
    template.globals = dict(template.globals)
    return template


def reads_name(spec: TemplateSpec, name: str) -> bool:
    """Whether the template, or a template it includes, imports or extends, reads the
    top-level name (an include whose name is computed counts as reading it)."""
    env = environment(spec)
    pending, seen = [spec.file], set()
    while pending:
        file = pending.pop()
        if file in seen:
            continue
        seen.add(file)
        try:
            source, _, _ = env.loader.get_source(env, file)  # type: ignore[union-attr]
            tree = env.parse(source)
        except (jinja2.TemplateError, OSError, UnicodeDecodeError):
            return True  # load_template reports a broken include; assume the worst here
        if name in jinja2.meta.find_undeclared_variables(tree):
            return True
        for other in jinja2.meta.find_referenced_templates(tree):
            if other is None:
                return True
            pending.append(other)
    return False


class Failure(NamedTuple):
    """A template error: its line (0 when unknown), its message naming the template and the
    line, and its kind: the message less the tenant's own values, alike for every tenant the
    same line fails the same way."""

    line: int
    message: str
    kind: str


def describe_failure(error: BaseException, spec: TemplateSpec, tb: TracebackType | None) -> Failure:
    """Jinja2 rewrites tracebacks so that the frames of compiled template code carry the
    template's file name and line; the innermost such frame is where the error is."""
    line, filename = 0, ""
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            line, filename = tb.tb_lineno, tb.tb_frame.f_code.co_filename
        tb = tb.tb_next
    if isinstance(error, jinja2.TemplateSyntaxError):  # from an include
        line, filename = error.lineno, error.filename or ""
    where = spec.display if filename in ("", str(spec.path)) else filename
    if isinstance(error, UnsafeValue | jinja2.TemplateError):
        message = str(error) or type(error).__name__
    else:
        message = f"{type(error).__name__}: {error}"
    kind = error.kind if isinstance(error, UnsafeValue) else message
    at = f"{where}:{line}: " if line else f"{where}: "
    return Failure(line, at + message, at + kind)
