"""Every bad file is refused with a clear message and leaves the local book byte-for-byte."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from sdrdesk.cli import main
from sdrdesk.services.repfile import container as c
from sdrdesk.services.repfile.service import inspect_rep_file
from tests.repfile.helpers import Device, file_hash


@pytest.fixture
def pair(devices):  # type: ignore[no-untyped-def]
    rep, mine = devices("rep"), devices("mine")
    for i in range(40):
        rep.add_account(f"Company {i}", notes="x" * 50)
    mine.add_account("Mine")
    return rep, mine


def _rezip(src: Path, dst: Path, change) -> Path:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        members = {i.filename: zin.read(i.filename) for i in zin.infolist()}
        for name, data in change(members).items():
            zout.writestr(name, data)
    return dst


def _manifest_edit(**updates):  # type: ignore[no-untyped-def]
    def change(members: dict[str, bytes]) -> dict[str, bytes]:
        manifest = json.loads(members[c.MANIFEST])
        manifest.update(updates)
        members[c.MANIFEST] = json.dumps(manifest).encode()
        return members

    return change


def _refused(mine: Device, bad: Path, capsys, expect: str, *extra: str) -> None:  # type: ignore[no-untyped-def]
    before = file_hash(mine.path)
    code = main(["rep", "import", str(bad), "--data", str(mine.path), *extra])
    err = capsys.readouterr().err
    assert code == 1
    assert expect in err and err.count("\n") == 1, err
    assert file_hash(mine.path) == before
    assert not any(mine.path.parent.glob("*backups*/*.db")), "no backup for a refused file"


def test_damaged_file(pair, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    rep, mine = pair
    good = rep.export()
    data = bytearray(good.read_bytes())
    for i in range(200, 260):
        data[i] ^= 0x5A
    bad = tmp_path / "damaged.sdrdesk"
    bad.write_bytes(bytes(data))
    _refused(mine, bad, capsys, "Nothing was imported")


def test_truncated_file(pair, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    rep, mine = pair
    good = rep.export()
    bad = tmp_path / "truncated.sdrdesk"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    _refused(mine, bad, capsys, "damaged, truncated")


def test_tampered_record_fails_its_checksum(pair, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    rep, mine = pair

    def change(members: dict[str, bytes]) -> dict[str, bytes]:
        members["data/accounts.jsonl"] = members["data/accounts.jsonl"].replace(b"Company 1", b"Company 9")
        return members

    bad = _rezip(rep.export(), tmp_path / "tampered.sdrdesk", change)
    _refused(mine, bad, capsys, "fails its checksum")


def test_invalid_record_field_is_refused(pair, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    rep, mine = pair
    header = json.dumps({"table": "accounts", "columns": ["id", "name", "created_at", "updated_at"]})
    row = json.dumps(["z" * 32, "Bad", "2026-01-01 00:00:00.000000", "2026-01-01 00:00:00.000000"])
    line = f"{header}\n{row}\n".encode()
    import hashlib

    def change(members: dict[str, bytes]) -> dict[str, bytes]:
        members["data/accounts.jsonl"] = line
        manifest = json.loads(members[c.MANIFEST])
        manifest["members"]["accounts"].update(
            count=1, bytes=len(line), sha256=hashlib.sha256(line).hexdigest()
        )
        members[c.MANIFEST] = json.dumps(manifest).encode()
        return members

    bad = _rezip(rep.export(), tmp_path / "fields.sdrdesk", change)
    _refused(mine, bad, capsys, "invalid accounts record (id has the wrong type)")


@pytest.mark.parametrize("kind", ["text", "other-zip", "sqlite"])
def test_foreign_files(pair, tmp_path: Path, capsys, kind: str) -> None:  # type: ignore[no-untyped-def]
    rep, mine = pair
    bad = tmp_path / f"{kind}.sdrdesk"
    if kind == "text":
        bad.write_text("name,email\nA,a@example.com\n")
        expect = "not a readable rep file"
    elif kind == "other-zip":
        with zipfile.ZipFile(bad, "w") as zf:
            zf.writestr("word/document.xml", "<w/>")
        expect = "never writes"
    else:
        bad.write_bytes(rep.path.read_bytes())
        expect = "book (database) file"
    _refused(mine, bad, capsys, expect)


def test_foreign_manifest(pair, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    rep, mine = pair
    bad = _rezip(rep.export(), tmp_path / "foreign.sdrdesk", _manifest_edit(format="other-app"))
    _refused(mine, bad, capsys, "not written by sdrdesk")


@pytest.mark.parametrize("field", ["format_version", "schema_version"])
def test_newer_format(pair, tmp_path: Path, capsys, field: str) -> None:  # type: ignore[no-untyped-def]
    rep, mine = pair
    bad = _rezip(rep.export(), tmp_path / "newer.sdrdesk", _manifest_edit(**{field: 999}))
    _refused(mine, bad, capsys, "written by a newer sdrdesk")


@pytest.mark.parametrize("name", ["../evil.jsonl", "/etc/passwd", "data/../../x.jsonl", "data\\..\\x.jsonl"])
def test_path_traversal(pair, tmp_path: Path, capsys, name: str) -> None:  # type: ignore[no-untyped-def]
    rep, mine = pair

    def change(members: dict[str, bytes]) -> dict[str, bytes]:
        members[name] = b"{}\n"
        return members

    bad = _rezip(rep.export(), tmp_path / "traversal.sdrdesk", change)
    _refused(mine, bad, capsys, "may be unsafe to unpack")
    assert not (tmp_path.parent / "evil.jsonl").exists()


def test_zip_bomb(pair, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    rep, mine = pair

    def change(members: dict[str, bytes]) -> dict[str, bytes]:
        members["data/accounts.jsonl"] = b" " * (64 << 20)  # 64 MiB of spaces: ~64 KiB deflated
        return members

    bad = _rezip(rep.export(), tmp_path / "bomb.sdrdesk", change)
    assert bad.stat().st_size < 1 << 20
    _refused(mine, bad, capsys, "zip bomb")


def test_extra_or_missing_member(pair, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    rep, mine = pair

    def change(members: dict[str, bytes]) -> dict[str, bytes]:
        members.pop("data/accounts.jsonl")
        return members

    bad = _rezip(rep.export(), tmp_path / "missing.sdrdesk", change)
    _refused(mine, bad, capsys, "parts its manifest lists")


def test_encrypted_round_trip_and_wrong_passphrase(pair, tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rep, mine = pair
    out = rep.export(passphrase="correct horse")
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        blob = b"".join(zf.read(n) for n in names if n.endswith(".enc"))
    assert "manifest.mac" in names and all(n.endswith(".enc") for n in names if n.startswith("data/"))
    assert b"Company" not in blob  # the records are not readable without the passphrase
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("wrong horse\n"))
    _refused(mine, out, capsys, "passphrase is wrong", "--passphrase-stdin")
    _refused(mine, out, capsys, "protected by a passphrase")
    with pytest.raises(c.WrongPassphrase):
        inspect_rep_file(out, "wrong")
    assert inspect_rep_file(out, "correct horse").counts["accounts"] == 40
    report = mine.import_(out, passphrase="correct horse")
    assert report.added == 40


def test_encrypted_manifest_or_frames_changed_are_refused(pair, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    rep, _mine = pair
    out = rep.export(passphrase="pw-123456")
    bad = _rezip(out, tmp_path / "renamed.sdrdesk", _manifest_edit(rep_name="Somebody else"))
    with pytest.raises(c.WrongPassphrase):
        inspect_rep_file(bad, "pw-123456")

    def flip(members: dict[str, bytes]) -> dict[str, bytes]:
        data = bytearray(members["data/accounts.jsonl.enc"])
        data[40] ^= 1
        members["data/accounts.jsonl.enc"] = bytes(data)
        return members

    bad = _rezip(out, tmp_path / "flipped.sdrdesk", flip)
    with pytest.raises(c.RepFileRejected, match="did not decrypt"):
        inspect_rep_file(bad, "pw-123456")

    def cut(members: dict[str, bytes]) -> dict[str, bytes]:
        members["data/accounts.jsonl.enc"] = members["data/accounts.jsonl.enc"][:-30]
        return members

    bad = _rezip(out, tmp_path / "cut.sdrdesk", cut)
    with pytest.raises(c.RepFileRejected):
        inspect_rep_file(bad, "pw-123456")


def test_two_records_with_one_id_are_refused(pair, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    rep, mine = pair
    import hashlib

    def change(members: dict[str, bytes]) -> dict[str, bytes]:
        header, first, *rest = members["data/accounts.jsonl"].split(b"\n")
        data = b"\n".join([header, first, first, *rest])
        members["data/accounts.jsonl"] = data
        manifest = json.loads(members[c.MANIFEST])
        manifest["members"]["accounts"].update(
            count=manifest["members"]["accounts"]["count"] + 1, bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest())
        members[c.MANIFEST] = json.dumps(manifest).encode()
        return members

    bad = _rezip(rep.export(), tmp_path / "twice.sdrdesk", change)
    _refused(mine, bad, capsys, "cannot take as they are")
