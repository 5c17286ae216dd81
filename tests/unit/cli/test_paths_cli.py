"""Which plans a command reads: a path that yields nothing is a usage error, no PATH means the
working directory (or the configuration's paths), the bundled samples only when asked for by
name (--examples, `serviceplan examples DIR`), and standard input stands where --stdin-name
puts it."""

from __future__ import annotations

import io
import json
import shutil
import sys
from importlib import resources
from pathlib import Path

import pytest

from serviceplan.cli import main

REMAP_NAME = "ServicePlanHostingRemap.csv"
ROOT = Path(__file__).resolve().parents[3]
SAMPLES = Path(str(resources.files("serviceplan.serviceplans")))
LOOKED_FOR = "no *.serviceplan files and no ServicePlanHostingRemap.csv"
SAMPLE_FILES = sorted(p.name for p in SAMPLES.iterdir() if p.suffix in (".serviceplan", ".csv"))


class FakeStdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    """A copy of the bundled samples: seven files, every plan referenced."""
    folder = tmp_path / "plans"
    shutil.copytree(SAMPLES, folder, ignore=shutil.ignore_patterns("__*"))
    return folder


def _inventory(folder: Path) -> str:
    path = folder / "tenants.csv"
    path.write_text(
        "name,domain,program_id,offer_id\nContoso,contoso.com,Business,SmallOrg\n",
        encoding="utf-8",
    )
    return str(path)


def _commands(folder: Path, tmp_path: Path) -> dict[str, list[str]]:
    """Every command that takes plan PATHs, on `folder`."""
    tenants = _inventory(tmp_path)
    out = str(tmp_path / "out")
    (tmp_path / "x.json.j2").write_text("{{ tenant.name | tojson }}\n", encoding="utf-8")
    return {
        "validate": ["validate", str(folder)],
        "compile": ["compile", str(folder)],
        "explain": ["explain", "MailboxCountQuota", str(folder)],
        "render": [
            "render",
            str(folder),
            "--tenants",
            tenants,
            "--template",
            str(tmp_path / "x.json.j2"),
            "--out",
            out,
        ],
        "fmt": ["fmt", "--check", str(folder)],
        "digest": ["digest", str(folder)],
        "diff-old": ["diff", str(folder), str(SAMPLES)],
        "diff-new": ["diff", str(SAMPLES), str(folder)],
        "verify-copies": ["verify-copies", str(folder), str(SAMPLES)],
    }


# --- item 1: a path that yields nothing is a usage error ------------------------------------


@pytest.mark.parametrize(
    "command",
    ["validate", "compile", "explain", "render", "fmt", "digest", "diff-old", "diff-new",
     "verify-copies"],
)  # fmt: skip
def test_an_empty_folder_is_a_usage_error_naming_it(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("no plans here\n", encoding="utf-8")
    assert main(_commands(empty, tmp_path)[command]) == 2
    captured = capsys.readouterr()
    assert str(empty) in captured.err
    assert "no *.serviceplan files" in captured.err or "no plan files" in captured.err
    assert "Traceback" not in captured.err
    assert not (tmp_path / "out").exists()


def test_the_message_says_what_was_looked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"serviceplan: error: {tmp_path}: {LOOKED_FOR}")
    assert "searched recursively" in captured.err
    assert captured.out == ""


def test_a_folder_in_the_wrong_case_gets_a_did_you_mean(
    plans: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(plans.parent)
    assert main(["validate", "Plans/"]) == 2
    assert "did you mean plans? (names are case-sensitive)" in capsys.readouterr().err


def test_one_empty_path_among_good_ones_still_fails(
    plans: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["validate", str(plans), str(empty)]) == 2
    assert f"{empty}: {LOOKED_FOR}" in capsys.readouterr().err


def test_a_folder_inside_another_given_folder_is_not_empty(
    tmp_path: Path, plans: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inner = plans / "inner"
    inner.mkdir()
    shutil.copy(plans / "SmallBusiness.serviceplan", inner / "Other.serviceplan")
    assert main(["validate", str(plans), str(inner)]) == 0, capsys.readouterr().err


def test_a_remap_alone_is_something_to_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / REMAP_NAME).write_text("# no mappings yet\n", encoding="utf-8")
    assert main(["validate", str(tmp_path)]) == 0
    assert capsys.readouterr().out == "1 file: 0 errors, 0 warnings\n"


def test_an_empty_copy_folder_is_drift_not_a_usage_error(
    plans: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "cas01"
    copy.mkdir()
    assert main(["verify-copies", str(plans), str(copy)]) == 1
    assert "missing SmallBusiness.serviceplan" in capsys.readouterr().out


# --- item 2: no PATH is the working directory; the samples only by name --------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["validate"],
        ["compile"],
        ["explain", "MailboxCountQuota"],
        ["render", "--tenants", "t.csv", "--template", "tenant.json", "--out", "out"],
        ["fmt", "--check"],
        ["digest"],
    ],
)
def test_no_path_in_a_folder_without_plans_is_a_usage_error_with_a_hint(
    argv: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Not the bundled samples, silently: the user's own repository holds no plan here."""
    monkeypatch.chdir(tmp_path)
    Path(_inventory(tmp_path)).rename(tmp_path / "t.csv")
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert "no PATH given, and the working directory holds " + LOOKED_FOR in captured.err
    assert "--examples" in captured.err and "serviceplan examples DIR" in captured.err
    assert "Contoso" not in captured.out and not (tmp_path / "out").exists()


def test_no_path_reads_the_working_directory(
    plans: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (plans / "LargeBusiness.serviceplan").unlink()  # not the bundled samples: six plans
    (plans / REMAP_NAME).write_text("Business,SmallOrg,SmallBusiness\n", encoding="utf-8")
    monkeypatch.chdir(plans)
    assert main(["compile", "-f", "json"]) == 0
    names = {plan["name"] for plan in json.loads(capsys.readouterr().out)["plans"]}
    assert "LargeBusiness" not in names and "SmallBusiness" in names
    assert main(["validate"]) == 0
    assert capsys.readouterr().out.endswith("\n6 files: 0 errors, 4 warnings\n")


def test_a_virtual_environment_in_the_working_directory_is_not_searched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A project's .venv holds the package's own samples: they must not pass for its plans."""
    for folder in (".venv/lib/site-packages/serviceplan/serviceplans", "node_modules/x"):
        shutil.copytree(SAMPLES, tmp_path / folder, ignore=shutil.ignore_patterns("__*"))
    monkeypatch.chdir(tmp_path)
    assert main(["validate"]) == 2
    assert "no PATH given" in capsys.readouterr().err
    assert main(["validate", ".venv/lib/site-packages"]) == 0  # named, it is read


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "--examples"],
        ["compile", "--examples", "--plan", "SmallBusiness"],
        ["explain", "MailboxCountQuota", "--examples"],
    ],
)
def test_examples_reads_the_bundled_samples_from_anywhere(
    argv: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 0
    assert "SmallBusiness" in capsys.readouterr().out or argv[0] == "validate"


def test_render_examples(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tenants = _inventory(tmp_path)
    argv = ["render", "--examples", "--tenants", tenants, "--template", "tenant.json"]
    assert main([*argv, "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "Contoso.json").is_file()


def test_examples_with_a_path_is_a_usage_error(
    plans: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--examples", str(plans)]) == 2
    assert "--examples reads the bundled sample plans" in capsys.readouterr().err


def test_examples_command_copies_the_samples_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "new" / "plans"
    assert main(["examples", str(target)]) == 0
    assert sorted(p.name for p in target.iterdir()) == sorted([*SAMPLE_FILES, "tenants.csv"])
    for name in SAMPLE_FILES:
        assert (target / name).read_bytes() == (SAMPLES / name).read_bytes()
    # the README's inventory examples run there too
    assert (target / "tenants.csv").read_bytes() == (ROOT / "examples/tenants.csv").read_bytes()
    assert f"wrote {target / 'SmallBusiness.serviceplan'}" in capsys.readouterr().out
    assert main(["validate", str(target)]) == 0


def test_examples_command_refuses_to_overwrite_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "SmallBusiness.serviceplan").write_text("mine\n", encoding="utf-8")
    (tmp_path / "Mine.serviceplan").write_text("mine\n", encoding="utf-8")
    assert main(["examples", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert "would overwrite SmallBusiness.serviceplan" in captured.err
    assert "--force" in captured.err
    assert (tmp_path / "SmallBusiness.serviceplan").read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / REMAP_NAME).exists()  # nothing written
    assert main(["examples", "--force", str(tmp_path)]) == 0
    small = (SAMPLES / "SmallBusiness.serviceplan").read_bytes()
    assert (tmp_path / "SmallBusiness.serviceplan").read_bytes() == small
    assert (tmp_path / "Mine.serviceplan").read_text(encoding="utf-8") == "mine\n"


def test_examples_command_into_a_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert main(["examples", str(tmp_path / "file")]) == 2
    assert "not a folder" in capsys.readouterr().err


# --- item 3: standard input stands where --stdin-name puts it -------------------------------


def test_a_remap_on_stdin_is_checked_against_the_plans_beside_its_name(
    plans: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`cat ServicePlanHostingRemap.csv | serviceplan validate - --stdin-name ...` in the plan
    folder: exactly what validating the file itself says (it once said SP404 for every row)."""
    monkeypatch.chdir(plans)
    assert main(["validate", REMAP_NAME]) == 0
    as_file = capsys.readouterr().out
    remap = (plans / REMAP_NAME).read_bytes()
    monkeypatch.setattr(sys, "stdin", FakeStdin(remap))
    assert main(["validate", "-", "--stdin-name", REMAP_NAME]) == 0
    assert capsys.readouterr().out == as_file == "1 file: 0 errors, 0 warnings\n"


def test_a_remap_on_stdin_named_in_a_subfolder(
    plans: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(plans.parent)
    remap = b"Business,SmallOrg,SmallBusiness\nBusiness,Nope,Missing\n"
    monkeypatch.setattr(sys, "stdin", FakeStdin(remap))
    assert main(["validate", "-", "--stdin-name", f"plans/{REMAP_NAME}"]) == 1
    out = capsys.readouterr().out
    assert f"plans/{REMAP_NAME}:2: error:" in out and "[SP404 remap-plan-missing]" in out
    assert "plans/MediumBusiness.serviceplan: warning:" in out  # SP405, as for the file


def test_a_plan_on_stdin_stands_beside_the_remap(
    plans: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plan being written (not yet on disk) satisfies the remap line that names it."""
    with (plans / REMAP_NAME).open("a", encoding="utf-8") as remap:
        remap.write("Business,Trial,Trial\n")
    monkeypatch.chdir(plans)
    data = (plans / "SmallBusiness.serviceplan").read_bytes()
    monkeypatch.setattr(sys, "stdin", FakeStdin(data))
    assert main(["validate", "-", REMAP_NAME, "--stdin-name", "Trial.serviceplan"]) == 0
    assert capsys.readouterr().out == "2 files: 0 errors, 0 warnings\n"


def test_fmt_check_over_a_remap_alone_is_not_a_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / REMAP_NAME).write_text("Business,SmallOrg,SmallBusiness\n", encoding="utf-8")
    assert main(["fmt", "--check", str(tmp_path)]) == 2
    assert "no *.serviceplan files to format" in capsys.readouterr().err


DASHED = "-x.serviceplan"


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "--", DASHED],
        ["compile", "--", DASHED],
        ["fmt", "--check", "--", DASHED],
        ["digest", "--", DASHED],
        ["explain", "MailboxCountQuota", "--", DASHED],
        ["diff", "--", DASHED, DASHED],
        ["render", "--tenants", "t.csv", "--template", "tenant.json", "--out", "o", "--", "-d"],
        ["verify-copies", "--", "-d", "-d"],
        ["examples", "--", "-new"],
    ],
    ids=lambda argv: argv[0],
)
def test_every_command_that_takes_paths_accepts_dash_dash(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--` ends the options (pre-commit's hook puts it before the file names): a file or
    folder whose name starts with `-` is then a path, never `No such option`."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(SAMPLES / "SmallBusiness.serviceplan", tmp_path / DASHED)
    shutil.copytree(SAMPLES, tmp_path / "-d", ignore=shutil.ignore_patterns("__*"))
    (tmp_path / "t.csv").write_text(
        "name,domain,program_id,offer_id\nContoso,contoso.com,Business,SmallOrg\n"
    )
    assert main(argv) == 0
    assert main([arg for arg in argv if arg != "--"]) == 2  # without it: an unknown option
