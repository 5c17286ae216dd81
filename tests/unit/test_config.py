"""The project configuration: where it is found, what each key means, and that every mistake
is a usage error naming the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from serviceplan.config import KEYS, Config, find_config, load_project_config
from serviceplan.errors import ConfigError, UsageError
from serviceplan.model import Severity
from serviceplan.rules.registry import RULES
from serviceplan.rules.selection import FIXED

EVERY_KEY = """
paths = ["plans", "more"]
select = ["ALL"]
ignore = ["SP407", "remap-quote-in-field"]
severity = { SP405 = "error", plan-edited-in-place = "error", SP6 = "warning" }
per-file-ignores = { "retired/*.serviceplan" = ["SP405"], "Old.serviceplan" = ["SP1"] }
strict = true
fail-on = ["mailboxplanconfiguration", "OrgWideConfiguration"]
"""


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _load(tmp_path: Path, text: str, name: str = ".serviceplan.toml") -> Config:
    return load_project_config(str(_write(tmp_path / name, text)))


def test_every_key(tmp_path: Path) -> None:
    config = _load(tmp_path, EVERY_KEY)
    assert config.paths == ("plans", "more")
    assert config.select == frozenset(RULES)
    assert config.ignore == {"SP407", "SP406"}
    severity = dict(config.severity)
    assert severity["SP405"] is Severity.ERROR and severity["SP605"] is Severity.ERROR
    assert severity["SP604"] is Severity.WARNING  # SP6 lowers the others of the family
    assert config.per_file_ignores[0] == ("retired/*.serviceplan", frozenset({"SP405"}))
    assert config.per_file_ignores[1][1] == {r for r in RULES if r.startswith("SP1")} - FIXED
    assert config.strict is True
    assert config.fail_on == ("MailboxPlanConfiguration", "OrgWideConfiguration")
    assert config.folder == str(tmp_path.resolve())


def test_pyproject_table(tmp_path: Path) -> None:
    config = _load(
        tmp_path, '[project]\nname = "x"\n[tool.serviceplan]\nstrict = true\n', "pyproject.toml"
    )
    assert config.strict is True


def test_no_configuration_is_the_default(tmp_path: Path) -> None:
    assert load_project_config(isolated=True) == Config()
    assert Config().rules().is_default


# --- where it is found ----------------------------------------------------------------------


def test_found_upward_and_the_dotfile_wins_in_its_folder(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    assert find_config(deep) is None or not str(find_config(deep)).startswith(str(tmp_path))
    _write(tmp_path / "pyproject.toml", "[tool.serviceplan]\nstrict = true\n")
    assert find_config(deep) == tmp_path / "pyproject.toml"
    _write(tmp_path / "a" / "pyproject.toml", '[project]\nname = "no table"\n')
    assert find_config(deep) == tmp_path / "pyproject.toml"  # without the table: not counted
    _write(tmp_path / "a" / "pyproject.toml", "[tool.serviceplan]\nstrict = false\n")
    assert find_config(deep) == tmp_path / "a" / "pyproject.toml"  # the nearest
    _write(tmp_path / "a" / ".serviceplan.toml", "strict = true\n")
    assert find_config(deep) == tmp_path / "a" / ".serviceplan.toml"  # wins in its folder


def test_loaded_from_the_working_directory_unless_isolated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path / ".serviceplan.toml", 'ignore = ["SP405"]\n')
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert load_project_config().ignore == {"SP405"}
    assert load_project_config(isolated=True) == Config()
    other = _write(tmp_path / "other.toml", 'ignore = ["SP407"]\n')
    assert load_project_config(str(other)).ignore == {"SP407"}


def test_config_and_isolated_together_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--config and --isolated"):
        load_project_config(str(tmp_path / "x.toml"), isolated=True)


def test_a_named_file_must_exist_and_a_named_pyproject_must_have_the_table(
    tmp_path: Path,
) -> None:
    with pytest.raises(UsageError, match="no such file"):
        load_project_config(str(tmp_path / "missing.toml"))
    pyproject = _write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    with pytest.raises(ConfigError, match=r"no \[tool.serviceplan\] table"):
        load_project_config(str(pyproject))


def test_paths_are_relative_to_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _load(tmp_path / "repo", 'paths = ["plans"]\n')
    monkeypatch.chdir(tmp_path)
    assert config.resolve("plans") == str(Path("repo") / "plans")
    monkeypatch.chdir(tmp_path / "repo")
    assert config.resolve("plans") == "plans"


# --- every mistake names the file and the key -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        ('selct = ["SP4"]\n', "selct: unknown key", "did you mean select?"),
        ('per_file_ignores = {}\n', "per_file_ignores: unknown key", "per-file-ignores"),
        ('select = "SP4"\n', "select: must be a list of strings, not str 'SP4'", ""),
        ('select = ["SP999"]\n', "select: unknown rule 'SP999'", "serviceplan rules"),
        ('ignore = ["plan-never-referencd"]\n', "ignore: unknown rule", "plan-never-referenced"),
        ('ignore = ["ALL"]\n', "ignore: unknown rule 'ALL'", ""),
        ('ignore = ["SP001"]\n', "ignore: SP001 (not-well-formed) cannot be switched off", ""),
        ('severity = { SP405 = "eror" }\n', 'severity.SP405: must be "error" or', "error?"),
        ('severity = { SP100 = "warning" }\n', "severity.SP100: SP100 (schema-vio", ""),
        ('severity = { SP40 = 1 }\n', "severity.SP40: must be", ""),
        ('severity = ["SP405"]\n', "severity: must be a table", ""),
        ('per-file-ignores = { "x" = "SP405" }\n', 'per-file-ignores."x": must be a list', ""),
        ('per-file-ignores = { "x" = ["SP4O5"] }\n', 'per-file-ignores."x": unknown rule', ""),
        ('strict = "yes"\n', "strict: must be true or false, not str 'yes'", ""),
        ('fail-on = ["MailboxPlanConfig"]\n', "fail-on: unknown", "MailboxPlanConfiguration"),
        ('paths = [1]\n', "paths: must be a list of strings", ""),
        ("select = [\n", "not valid TOML", "")
    ],
)  # fmt: skip
def test_mistakes_are_usage_errors_naming_the_file_and_the_key(
    tmp_path: Path, text: str, message: str, hint: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        _load(tmp_path, text)
    assert raised.value.exit_code == 2
    named = raised.value.message.partition(".serviceplan.toml")[0] + ".serviceplan.toml"
    assert Path(named).resolve() == (tmp_path / ".serviceplan.toml").resolve()  # any cwd
    assert message in raised.value.message
    assert hint in raised.value.hint


def test_a_pyproject_error_names_the_table(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"pyproject.toml: \[tool.serviceplan\] strict: must"):
        _load(tmp_path, "[tool.serviceplan]\nstrict = 1\n", "pyproject.toml")


# --- the rules the configuration and the command line make -----------------------------------


def test_command_line_select_replaces_the_configuration_and_ignore_adds(tmp_path: Path) -> None:
    config = _load(tmp_path, 'select = ["SP4"]\nignore = ["SP405"]\n')
    assert config.rules().selected == {r for r in RULES if r.startswith("SP4")} - {"SP405"}
    assert config.rules(ignore=["SP407"]).selected == (
        {r for r in RULES if r.startswith("SP4")} - {"SP405", "SP407"}
    )
    # --select replaces the configured selection and its ignores (as ruff does)
    assert config.rules(select=["SP405,SP101", "SP201"]).selected == {"SP405", "SP101", "SP201"}
    assert config.rules(select=["ALL"], ignore=["SP1"]).selected == (
        frozenset(RULES) - {r for r in RULES if r.startswith("SP1")} | FIXED
    )


def test_command_line_selectors_are_checked(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--select: unknown rule 'SP99'") as raised:
        Config().rules(select=["SP99"])
    assert "serviceplan rules" in raised.value.hint
    with pytest.raises(UsageError, match=r"--ignore: SP002 .* cannot be switched off"):
        Config().rules(ignore=["SP4,doctype-forbidden"])


def test_the_readme_example_is_a_valid_configuration_with_every_key(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Configuration", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    assert [line.split(" ", 1)[0] for line in example.splitlines()[1:]] == list(KEYS)
    config = _load(tmp_path, example, "pyproject.toml")
    assert config.paths == ("serviceplans",) and config.strict is True
    assert dict(config.severity)["SP605"] is Severity.ERROR  # the specific selector wins
    assert dict(config.severity)["SP604"] is Severity.WARNING


def test_text_from_the_file_is_escaped_in_the_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        _load(tmp_path, '"se\\u001b]0;x\\u0007lect" = 1\n')
    assert "se\\x1b]0;x\\x07lect: unknown key" in raised.value.message
    assert "\x1b" not in raised.value.message
