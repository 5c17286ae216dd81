"""Exact copies: digests of plan sets, and copy folders compared with a reference."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from serviceplan.errors import UsageError
from serviceplan.tools.copies import (
    Difference,
    Kind,
    RowChange,
    SettingChange,
    verify_copies,
)
from serviceplan.tools.digest import FileDigest, digest_set
from serviceplan.tools.textual import Textual

REMAP = "ServicePlanHostingRemap.csv"
SMALL = "SmallBusiness.serviceplan"
LARGE = "LargeBusiness.serviceplan"
ALL = "HostingAllFeatures.serviceplan"


@pytest.fixture
def reference(tmp_path: Path, samples_folder: Path) -> Path:
    folder = tmp_path / "reference"
    shutil.copytree(samples_folder, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return folder


@pytest.fixture
def copy(tmp_path: Path, reference: Path) -> Path:
    folder = tmp_path / "server2"
    shutil.copytree(reference, folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_bytes().decode("utf-8")
    assert old in text
    path.write_bytes(text.replace(old, new).encode("utf-8"))


def _only(copy: Path, reference: Path) -> Difference:
    [report] = verify_copies(str(reference), [str(copy)])
    assert len(report.differences) == 1, report.differences
    return report.differences[0]


# -- digest ------------------------------------------------------------------------------


def test_digest_lists_every_plan_and_the_remap_sorted_with_raw_sha256(reference: Path) -> None:
    digests = digest_set([str(reference)])
    names = sorted(p.name for p in reference.iterdir() if p.suffix in (".serviceplan", ".csv"))
    assert [f.path for f in digests.files] == names
    for entry in digests.files:
        assert entry.sha256 == hashlib.sha256((reference / entry.path).read_bytes()).hexdigest()


def test_set_digest_is_sha256_of_the_sha256sum_lines(reference: Path) -> None:
    digests = digest_set([str(reference)])
    lines = "".join(f"{f.sha256}  {f.path}\n" for f in digests.files)
    assert digests.digest == hashlib.sha256(lines.encode()).hexdigest()


def test_digest_is_stable_and_independent_of_the_order_files_are_given(reference: Path) -> None:
    files = [str(reference / name) for name in (SMALL, REMAP, LARGE)]
    forward, backward = digest_set(files), digest_set(files[::-1])
    assert forward == backward == digest_set(files)
    assert [f.path for f in forward.files] == sorted(Path(f).as_posix() for f in files)


def test_digest_changes_when_one_byte_changes(reference: Path) -> None:
    before = digest_set([str(reference)])
    data = bytearray((reference / SMALL).read_bytes())
    data[-2] ^= 1
    (reference / SMALL).write_bytes(bytes(data))
    after = digest_set([str(reference)])
    assert after.digest != before.digest
    changed = [a.path for a, b in zip(after.files, before.files, strict=True) if a != b]
    assert changed == [SMALL]


def test_digest_paths_are_relative_to_the_folder_with_posix_separators(
    tmp_path: Path, small_business: str
) -> None:
    (tmp_path / "b" / "sub").mkdir(parents=True)
    (tmp_path / "b" / "sub" / SMALL).write_text(small_business, encoding="utf-8")
    (tmp_path / "b" / "a.serviceplan").write_text(small_business, encoding="utf-8")
    (tmp_path / "b" / "notes.txt").write_text("not a plan", encoding="utf-8")
    digests = digest_set([str(tmp_path / "b")])
    assert [f.path for f in digests.files] == ["a.serviceplan", f"sub/{SMALL}"]


def test_digest_refuses_two_different_files_with_one_relative_path(
    reference: Path, copy: Path
) -> None:
    with pytest.raises(UsageError, match=re.escape(f"two files are both {ALL}")):
        digest_set([str(reference), str(copy)])
    assert digest_set([str(reference), str(reference)]) == digest_set([str(reference)])


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("a.serviceplan", "abc  a.serviceplan\n"),
        ("back\\slash.serviceplan", "\\abc  back\\\\slash.serviceplan\n"),
        ("new\nline.serviceplan", "\\abc  new\\nline.serviceplan\n"),
        ("cr\rret.serviceplan", "\\abc  cr\\rret.serviceplan\n"),
    ],
)
def test_sha256sum_lines_escape_names_as_coreutils_does(name: str, line: str) -> None:
    assert FileDigest(name, "abc").line() == line


def test_digest_of_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file or folder"):
        digest_set([str(tmp_path / "nope")])


# -- verify_copies -----------------------------------------------------------------------


def test_identical_copy_is_in_sync(reference: Path, copy: Path) -> None:
    [report] = verify_copies(str(reference), [str(copy)])
    assert report.in_sync
    assert report.differences == ()
    assert report.files == 7
    assert report.digest == digest_set([str(reference)]).digest


def test_one_setting_changed_lists_both_values(reference: Path, copy: Path) -> None:
    _edit(copy / SMALL, "<MailboxCountQuota>250<", "<MailboxCountQuota>300<")
    difference = _only(copy, reference)
    assert difference.kind is Kind.DIFFERENT
    assert difference.textual is None
    assert difference.settings == (
        SettingChange("Organization", "MailboxCountQuota", "250", "300"),
    )
    assert str(difference.settings[0]) == "Organization MailboxCountQuota: 250 → 300"


def test_mailbox_plan_setting_back_to_default_is_named_with_its_plan(
    reference: Path, copy: Path
) -> None:
    _edit(copy / SMALL, "      <PopEnabled>true</PopEnabled>\n", "")
    difference = _only(copy, reference)
    assert [str(c) for c in difference.settings] == [
        "mailbox plan 'Standard' PopEnabled: true → false (default)"
    ]


def test_mailbox_plan_renamed_is_one_change_as_diff_sees_it(reference: Path, copy: Path) -> None:
    """The same comparison as `diff`: a Name gone with its index reused is a rename (not two
    plans), and Names are case-sensitive, as Update-ServicePlan matches them."""
    _edit(copy / SMALL, 'Name="Standard"', 'Name="Basic"')
    assert [str(c) for c in _only(copy, reference).settings] == [
        "mailbox plan 'Standard' Name: Standard → Basic"
    ]
    _edit(copy / SMALL, 'Name="Basic"', 'Name="standard"')
    assert [str(c) for c in _only(copy, reference).settings] == [
        "mailbox plan 'Standard' Name: Standard → standard"
    ]


def test_mailbox_plan_on_one_side_only(reference: Path, copy: Path) -> None:
    _edit(copy / SMALL, 'Name="Standard" MailboxPlanIndex="0"', 'Name="Basic" MailboxPlanIndex="5"')
    difference = _only(copy, reference)
    assert [str(c) for c in difference.settings] == [
        "mailbox plan 'Basic': only in the copy",
        "mailbox plan 'Basic' ProvisionAsDefault: false → true",
        "mailbox plan 'Standard': only in the reference",
        "mailbox plan 'Standard' ProvisionAsDefault: true → false",
    ]


def test_pilot_flag_is_a_difference(reference: Path, copy: Path) -> None:
    _edit(copy / SMALL, 'Name="Standard"', 'Name="Standard" IsPilotMailboxPlan="true"')
    assert _only(copy, reference).settings == (
        SettingChange("mailbox plan 'Standard'", "IsPilotMailboxPlan", "false", "true"),
    )


def test_mailbox_plan_index_change_is_a_setting(reference: Path, copy: Path) -> None:
    _edit(copy / SMALL, 'MailboxPlanIndex="0"', 'MailboxPlanIndex="1"')
    assert _only(copy, reference).settings == (
        SettingChange("mailbox plan 'Standard'", "MailboxPlanIndex", "0", "1"),
    )


def test_missing_and_extra_files(reference: Path, copy: Path, small_business: str) -> None:
    (copy / LARGE).unlink()
    (copy / "Old.serviceplan").write_text(small_business, encoding="utf-8")
    [report] = verify_copies(str(reference), [str(copy)])
    assert not report.in_sync
    assert report.differences == (
        Difference(LARGE, Kind.MISSING),
        Difference("Old.serviceplan", Kind.EXTRA),
    )


def test_crlf_only_is_textual_line_ends(reference: Path, copy: Path) -> None:
    data = (copy / SMALL).read_bytes()
    (copy / SMALL).write_bytes(data.replace(b"\n", b"\r\n"))
    difference = _only(copy, reference)
    assert difference.kind is Kind.DIFFERENT
    assert difference.textual is Textual.LINE_ENDS
    assert difference.settings == ()


def test_byte_order_mark_only_is_textual(reference: Path, copy: Path) -> None:
    (copy / SMALL).write_bytes(b"\xef\xbb\xbf" + (copy / SMALL).read_bytes())
    assert _only(copy, reference).textual is Textual.BYTE_ORDER_MARK


def test_reordered_reindented_same_settings_is_textual_formatting(
    reference: Path, copy: Path
) -> None:
    text = (copy / LARGE).read_text(encoding="utf-8")
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)  # comments gone
    text = re.sub(r"(?m)^[ \t]+", "\t\t", text)  # reindented
    text = text.replace(">true<", ">1<")  # same values, other spelling
    plans = re.findall(r"<MailboxPlan .*?</MailboxPlan>", text, flags=re.DOTALL)
    assert len(plans) == 3
    first = text.index(plans[0])
    last = text.index(plans[-1]) + len(plans[-1])
    text = text[:first] + "\n".join(reversed(plans)) + text[last:]  # mailbox plans reordered
    (copy / LARGE).write_text(text, encoding="utf-8")
    difference = _only(copy, reference)
    assert difference.textual is Textual.FORMATTING
    assert difference.settings == ()


def test_invalid_copy_says_it_does_not_validate(reference: Path, copy: Path) -> None:
    _edit(copy / SMALL, "<AutoReplyEnabled>true<", "<AutoReplyEnabled>maybe<")
    difference = _only(copy, reference)
    assert difference.copy_errors == 1
    assert difference.reference_errors == 0
    assert difference.settings == ()
    assert difference.textual is None


def test_remap_with_an_added_row(reference: Path, copy: Path) -> None:
    with (copy / REMAP).open("a", encoding="utf-8") as stream:
        stream.write("Business, NewOrg ,MediumBusiness\n")
    difference = _only(copy, reference)
    lines = (copy / REMAP).read_text(encoding="utf-8").splitlines()
    assert difference.rows == (
        RowChange(True, ("Business", "NewOrg", "MediumBusiness"), len(lines)),
    )
    assert str(difference.rows[0]) == f"added Business,NewOrg,MediumBusiness (line {len(lines)})"


def test_remap_with_a_removed_row(reference: Path, copy: Path) -> None:
    _edit(copy / REMAP, "Business,MedOrg,MediumBusiness\n", "")
    assert [str(r) for r in _only(copy, reference).rows] == [
        "removed Business,MedOrg,MediumBusiness (line 8)"
    ]


def test_remap_reordered_with_comments_changed_is_textual(reference: Path, copy: Path) -> None:
    text = (copy / REMAP).read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line and not line.startswith("#")]
    (copy / REMAP).write_text(
        "# rewritten\n" + "\n".join(f" {r} " for r in reversed(rows)), encoding="utf-8"
    )
    difference = _only(copy, reference)
    assert difference.textual is Textual.FORMATTING
    assert difference.rows == ()


def test_several_copies_each_reported_in_the_order_given(
    reference: Path, copy: Path, tmp_path: Path
) -> None:
    server1 = tmp_path / "server1"
    shutil.copytree(reference, server1)
    (copy / SMALL).unlink()
    reports = verify_copies(str(reference), [str(copy), str(server1)])
    assert [(r.folder, r.in_sync) for r in reports] == [(str(copy), False), (str(server1), True)]


def test_a_missing_reference_is_a_usage_error(reference: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such folder"):
        verify_copies(str(tmp_path / "nope"), [str(reference)])
    with pytest.raises(UsageError, match="not a folder"):
        verify_copies(str(reference / SMALL), [str(reference)])


def test_a_copy_that_cannot_be_checked_is_reported_and_the_others_are_checked(
    reference: Path, copy: Path, tmp_path: Path
) -> None:
    (copy / SMALL).unlink()
    given = [str(tmp_path / "nope"), str(copy), str(reference / SMALL)]
    reports = verify_copies(str(reference), given)
    assert [(r.folder, r.in_sync, r.error) for r in reports] == [
        (str(tmp_path / "nope"), False, "no such folder"),
        (str(copy), False, ""),
        (str(reference / SMALL), False, "not a folder"),
    ]
    assert [d.path for d in reports[1].differences] == [SMALL]
    assert reports[0].differences == () and reports[0].files == 0
