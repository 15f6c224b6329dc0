"""Export: manifest, streaming progress, cancel and atomic write; the `sdrdesk rep` commands."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from sdrdesk import __version__
from sdrdesk.cli import main
from sdrdesk.domain.cancel import CancelToken, OperationCancelled
from sdrdesk.storage.migrations import CURRENT_VERSION


def test_manifest_names_everything_and_checks_each_member(devices) -> None:  # type: ignore[no-untyped-def]
    rep = devices("rep")
    for i in range(3):
        rep.add_account(f"Co {i}")
    out = rep.export()
    with zipfile.ZipFile(out) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["format"] == "sdrdesk-rep-file" and manifest["format_version"] == 1
        assert manifest["schema_version"] == CURRENT_VERSION and manifest["app_version"] == __version__
        assert manifest["rep_name"] == "rep" and len(manifest["device_id"]) == 32
        assert manifest["exported_at"].startswith("2026-03-10 09:00")
        assert manifest["counts"]["accounts"] == 3
        header, *lines = zf.read("data/accounts.jsonl").decode().splitlines()
        columns = json.loads(header)["columns"]
        assert columns[-1] == "_o" and "name" in columns
        assert [json.loads(line)[columns.index("name")] for line in lines] == ["Co 0", "Co 1", "Co 2"]
        assert "tombstones.jsonl" in zf.namelist()


def test_progress_is_reported_and_cancel_leaves_no_file(devices, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rep = devices("rep")
    rep.sql(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)"
        " INSERT INTO accounts (id, name, created_at, updated_at) SELECT lower(hex(randomblob(16))),"
        " 'Co ' || i, '2026-03-01 00:00:00.000000', '2026-03-01 00:00:00.000000' FROM n"
    )
    seen: list[tuple[int, int]] = []
    out = tmp_path / "out.sdrdesk"
    rep.service.export(out, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (5000, 5000) and len(seen) > 2
    token = CancelToken()

    def cancel_midway(done: int, total: int) -> None:
        if done >= 2000:
            token.cancel()

    out2 = tmp_path / "cancelled.sdrdesk"
    with pytest.raises(OperationCancelled):
        rep.service.export(out2, progress=cancel_midway, cancel=token)
    assert not out2.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["out.sdrdesk", "rep"]


def test_an_existing_file_is_replaced_only_when_the_new_one_is_complete(devices, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rep = devices("rep")
    out = tmp_path / "out.sdrdesk"
    out.write_bytes(b"previous")
    token = CancelToken()
    token.cancel()
    with pytest.raises(OperationCancelled):
        rep.service.export(out, cancel=token)
    assert out.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == [out.name]
    rep.service.export(out)
    assert zipfile.is_zipfile(out)


def test_cli_export_inspect_import_conflicts_take_other_undo(devices, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    a, b = devices("a"), devices("b")
    rid = a.add_account("Acme")
    out = a.folder / "a.sdrdesk"
    assert main(["rep", "export", str(out), "--data", str(a.path), "--json", "--rep", "Alice"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["counts"]["accounts"] == 1 and exported["rep_name"] == "Alice"
    assert main(["rep", "inspect", str(out)]) == 0
    text = capsys.readouterr().out
    assert "valid sdrdesk rep file" in text and "Alice" in text and "accounts: 1 records" in text
    assert main(["rep", "import", str(out), "--data", str(b.path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {k: report[k] for k in ("added", "updated", "deleted", "conflicts")} == {
        "added": 1, "updated": 0, "deleted": 0, "conflicts": 0}
    # The CLI's clock is the real one: make the conflict on two other books, on the test's clock.
    a, b = devices("c"), devices("d")
    rid = a.add_account("Initech")
    b.import_(a.export())
    a.edit("accounts", rid, notes="a's")
    b.edit("accounts", rid, notes="b's")
    a.import_(b.export())
    assert main(["rep", "conflicts", "--data", str(a.path), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["conflicts"]
    assert len(listed) == 1 and listed[0]["fields"] == ["notes"]
    assert listed[0]["kept"]["notes"] == "b's" and listed[0]["other"]["notes"] == "a's"
    assert main(["rep", "take-other", listed[0]["id"][:6], "--data", str(a.path)]) == 0
    assert a.row("accounts", rid)["notes"] == "a's"
    capsys.readouterr()
    assert main(["rep", "undo", "--data", str(a.path)]) == 0
    assert "undid the import" in capsys.readouterr().out
    assert a.row("accounts", rid)["notes"] == "a's"  # the book before that import held a's edit
    assert main(["rep", "undo", "--data", str(a.path)]) == 1
    assert "No rep-file import can be undone" in capsys.readouterr().err
    # Encrypted through stdin.
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret phrase\n"))
    assert main(["rep", "export", str(out), "--data", str(a.path), "--passphrase-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret phrase\n"))
    assert main(["rep", "inspect", str(out), "--passphrase-stdin", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.split("\n", 1)[1])["encrypted"] is True
