"""Fast checks of the installer recipes; the real bundle build runs in .ci/build_installers.sh.

The PyInstaller spec is executed here with stand-ins for Analysis/EXE/COLLECT/BUNDLE and a faked
`sys.platform`, so what it would build on Windows, macOS and Linux is checked without PyInstaller.
"""

from __future__ import annotations

import builtins
import importlib.util
import plistlib
import re
import shutil
import struct
import subprocess
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sdrdesk import __version__
from sdrdesk import resources_path as rp

ROOT = Path(__file__).resolve().parents[2]
INSTALLERS = ROOT / "installers"
SPEC = INSTALLERS / "sdrdesk.spec"
NSI = INSTALLERS / "windows" / "sdrdesk.nsi"
WORKFLOW = ROOT / ".github" / "workflows" / "installers.yml"
ICONS = ROOT / "resources" / "icons"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# --- running the spec with stand-ins -----------------------------------------------------------------

@dataclass
class Call:
    kind: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]


@dataclass
class SpecRun:
    namespace: dict[str, Any]
    calls: list[Call] = field(default_factory=list)
    collected: list[str] = field(default_factory=list)
    collected_data: list[str] = field(default_factory=list)

    def of(self, kind: str) -> list[Call]:
        return [call for call in self.calls if call.kind == kind]


def run_spec(platform: str) -> SpecRun:
    run = SpecRun(namespace={})

    def recorder(kind: str) -> Callable[..., Any]:
        def make(*args: Any, **kwargs: Any) -> Any:
            call = Call(kind, args, kwargs)
            run.calls.append(call)
            result = types.SimpleNamespace(call=call, scripts=["entry"], pure=[], binaries=[], datas=[])
            if kind == "Analysis":  # what a real analysis would have collected, to test the filter
                result.binaries = [
                    ("PySide6/Qt/lib/libQt6Core.so.6", "src", "BINARY"),
                    ("PySide6/Qt/lib/libQt6Pdf.so.6", "src", "BINARY"),
                    ("PySide6/Qt/plugins/imageformats/libqpdf.so", "src", "BINARY"),
                    ("PySide6/Qt/plugins/imageformats/libqsvg.so", "src", "BINARY"),
                ]
            return result
        return make

    def collect_submodules(package: str, filter: Callable[[str], bool] | None = None) -> list[str]:
        run.collected.append(package)
        return [f"{package}.stub"]

    def collect_data_files(package: str) -> list[tuple[str, str]]:
        run.collected_data.append(package)
        return [(f"/site-packages/{package}/data", package)]

    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = collect_submodules  # type: ignore[attr-defined]
    hooks.collect_data_files = collect_data_files  # type: ignore[attr-defined]
    versioninfo = types.ModuleType("PyInstaller.utils.win32.versioninfo")
    for name in ("FixedFileInfo", "StringFileInfo", "StringStruct", "StringTable", "VarFileInfo",
                 "VarStruct", "VSVersionInfo"):
        setattr(versioninfo, name, recorder(name))
    fakes = {"PyInstaller.utils.hooks": hooks, "PyInstaller.utils.win32.versioninfo": versioninfo}
    fake_sys = types.SimpleNamespace(**{**vars(sys), "platform": platform})

    def spec_import(name: str, globals_: Any = None, locals_: Any = None, fromlist: Any = (),
                    level: int = 0) -> Any:
        if name == "sys":
            return fake_sys
        if name in fakes:
            return fakes[name]
        return builtins.__import__(name, globals_, locals_, fromlist, level)

    namespace: dict[str, Any] = {
        "__builtins__": {**vars(builtins), "__import__": spec_import},
        "__file__": str(SPEC),
        "SPECPATH": str(INSTALLERS),
    }
    for kind in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE"):
        namespace[kind] = recorder(kind)
    exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)
    run.namespace = namespace
    return run


@pytest.fixture(scope="module")
def linux_spec() -> SpecRun:
    return run_spec("linux")


def test_spec_collects_the_whole_package_and_the_lazily_loaded_data(linux_spec: SpecRun) -> None:
    (analysis,) = linux_spec.of("Analysis")
    assert "sdrdesk" in linux_spec.collected  # migrations are found by pkgutil, app.py by a lazy import
    assert "holidays" in linux_spec.collected  # country modules are loaded by name
    assert "pycountry" in linux_spec.collected_data  # ISO databases are JSON files, not modules
    hidden = analysis.kwargs["hiddenimports"]
    for module in ("PySide6.QtWidgets", "PySide6.QtSvg", "phonenumbers.timezone", "tzdata"):
        assert module in hidden
    assert (str(ROOT / "resources"), "resources") in analysis.kwargs["datas"]
    assert Path(analysis.args[0][0]).is_file()
    assert analysis.kwargs["pathex"] == [str(ROOT)]
    hookspath = Path(analysis.kwargs["hookspath"][0])
    assert (hookspath / "hook-phonenumbers.py").is_file()


def test_spec_excludes_unused_dialects_qt_modules_and_geodata(linux_spec: SpecRun) -> None:
    (analysis,) = linux_spec.of("Analysis")
    excludes = set(analysis.kwargs["excludes"])
    for module in ("sqlalchemy.dialects.postgresql", "sqlalchemy.dialects.mysql",
                   "sqlalchemy.dialects.oracle", "sqlalchemy.dialects.mssql", "PySide6.QtQml",
                   "PySide6.QtQuick", "PySide6.QtWebEngineCore",
                   "PySide6.QtMultimedia", "PySide6.QtPdf", "PySide6.QtSql", "PySide6.QtTest",
                   "PySide6.Qt3DCore", "tkinter", "phonenumbers.geodata", "phonenumbers.carrierdata"):
        assert module in excludes, module
    # What the app does use must never be excluded.
    for module in ("sqlalchemy.dialects.sqlite", "PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets",
                   "PySide6.QtSvg", "PySide6.QtNetwork", "phonenumbers.timezone", "phonenumbers.data"):
        assert module not in excludes, module


@pytest.mark.parametrize(("dest", "kept"), [
    # Linux wheel layout
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
    ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),
    ("PySide6/Qt/plugins/imageformats/libqpdf.so", False),
    ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", True),
    ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", False),
    ("PySide6/Qt/plugins/platforminputcontexts/libcomposeplatforminputcontextplugin.so", True),
    ("PySide6/Qt/plugins/sqldrivers/libqsqlite.so", False),
    ("PySide6/Qt/lib/libQt6Pdf.so.6", False),
    ("PySide6/Qt/lib/libQt6Quick.so.6", False),
    ("PySide6/Qt/lib/libQt6Widgets.so.6", True),
    ("PySide6/Qt/lib/libQt6PrintSupport.so.6", True),
    ("PySide6/Qt/qml/QtQuick/Controls/libqtquickcontrols2plugin.so", False),
    ("PySide6/Qt/translations/qtbase_de.qm", True),
    ("PySide6/Qt/translations/qtdeclarative_de.qm", False),
    # Windows wheel layout
    ("PySide6\\plugins\\platforms\\qwindows.dll", True),
    ("PySide6\\plugins\\platforms\\qdirect2d.dll", False),
    ("PySide6\\plugins\\styles\\qmodernwindowsstyle.dll", True),
    ("PySide6\\plugins\\imageformats\\qpdf.dll", False),
    ("PySide6\\Qt6Pdf.dll", False),
    ("PySide6\\Qt6Gui.dll", True),
    ("PySide6\\translations\\qt_fr.qm", True),
    # macOS wheel layout
    ("PySide6/Qt/plugins/platforms/libqcocoa.dylib", True),
    ("PySide6/Qt/lib/QtPdf.framework/Versions/A/QtPdf", False),
    ("PySide6/Qt/lib/QtGui.framework/Versions/A/QtGui", True),
    ("PySide6/Qt/lib/QtPrintSupport.framework/Versions/A/QtPrintSupport", True),  # cocoa links it
    # not Qt at all
    ("resources/icons/sdrdesk.svg", True),
    ("tzdata/zoneinfo/Europe/Berlin", True),
])
def test_spec_bundle_filter(linux_spec: SpecRun, dest: str, kept: bool) -> None:
    assert linux_spec.namespace["_keep"](dest) is kept


def test_spec_filter_is_applied_to_the_analysis(linux_spec: SpecRun) -> None:
    (collect,) = linux_spec.of("COLLECT")
    binaries = next(arg for arg in collect.args if isinstance(arg, list))
    names = [entry[0] for entry in binaries]
    assert names == ["PySide6/Qt/lib/libQt6Core.so.6", "PySide6/Qt/plugins/imageformats/libqsvg.so"]


def test_spec_linux_builds_one_console_executable_and_no_app(linux_spec: SpecRun) -> None:
    (exe,) = linux_spec.of("EXE")
    assert exe.kwargs["name"] == "sdrdesk" and exe.kwargs["console"] is True
    assert exe.kwargs["upx"] is False and exe.kwargs["exclude_binaries"] is True  # one-folder
    assert linux_spec.of("COLLECT")[0].kwargs["name"] == "sdrdesk"
    assert not linux_spec.of("BUNDLE")


def test_spec_windows_builds_windowed_app_and_console_twin() -> None:
    run = run_spec("win32")
    exes = {call.kwargs["name"]: call.kwargs for call in run.of("EXE")}
    assert set(exes) == {"sdrdesk", "sdrdesk-cli"}
    assert exes["sdrdesk"]["console"] is False and exes["sdrdesk-cli"]["console"] is True
    for kwargs in exes.values():
        assert kwargs["icon"].endswith("sdrdesk.ico") and Path(kwargs["icon"]).is_file()
        assert kwargs["version"] is not None  # file properties for IT inventories
    (fixed,) = run.of("FixedFileInfo")
    expected = tuple(int(n) for n in (re.findall(r"\d+", __version__) + ["0"] * 4)[:4])
    assert fixed.kwargs["filevers"] == expected
    assert not run.of("BUNDLE")
    (collect,) = run.of("COLLECT")
    assert sum(1 for arg in collect.args if hasattr(arg, "call") and arg.call.kind == "EXE") == 2


def test_spec_macos_app_declares_the_sdrdesk_document_type() -> None:
    run = run_spec("darwin")
    (exe,) = run.of("EXE")
    assert exe.kwargs["console"] is False and exe.kwargs["argv_emulation"] is False
    (bundle,) = run.of("BUNDLE")
    assert bundle.kwargs["name"] == "sdrdesk.app"
    assert bundle.kwargs["version"] == __version__
    assert Path(bundle.kwargs["icon"]).name == "sdrdesk.icns" and Path(bundle.kwargs["icon"]).is_file()
    plist = bundle.kwargs["info_plist"]
    assert plist["LSMinimumSystemVersion"] == "14.0"
    assert plist["CFBundleShortVersionString"] == __version__
    (exported,) = plist["UTExportedTypeDeclarations"]
    assert exported["UTTypeTagSpecification"]["public.filename-extension"] == ["sdrdesk"]
    assert "public.data" in exported["UTTypeConformsTo"]
    (doc,) = plist["CFBundleDocumentTypes"]
    assert doc["LSItemContentTypes"] == [exported["UTTypeIdentifier"]]
    assert doc["CFBundleTypeRole"] in {"Editor", "Viewer"} and doc["LSHandlerRank"] == "Owner"
    # It must survive the trip into a real Info.plist.
    assert plistlib.loads(plistlib.dumps(plist))["CFBundleDocumentTypes"] == plist["CFBundleDocumentTypes"]


KEPT_PHONE_MODULES = ["phonenumbers", "phonenumbers.data.region_US", "phonenumbers.timezone",
                      "phonenumbers.tzdata", "phonenumbers.shortdata.region_GB"]


def test_phonenumbers_hook_keeps_core_and_timezone_but_not_geodata() -> None:
    seen: dict[str, Any] = {}

    def collect_submodules(package: str, filter: Callable[[str], bool]) -> list[str]:
        names = [*KEPT_PHONE_MODULES, "phonenumbers.geocoder", "phonenumbers.geodata.data0",
                 "phonenumbers.carrier", "phonenumbers.carrierdata.data1"]
        seen["package"] = package
        return [name for name in names if filter(name)]

    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = collect_submodules  # type: ignore[attr-defined]
    hook = INSTALLERS / "pyi_hooks" / "hook-phonenumbers.py"

    def hook_import(name: str, *args: Any, **kwargs: Any) -> Any:
        return hooks if name == "PyInstaller.utils.hooks" else builtins.__import__(name, *args, **kwargs)

    namespace: dict[str, Any] = {"__builtins__": {**vars(builtins), "__import__": hook_import}}
    exec(compile(hook.read_text(encoding="utf-8"), str(hook), "exec"), namespace)
    assert seen["package"] == "phonenumbers"
    assert namespace["hiddenimports"] == KEPT_PHONE_MODULES


# --- resources ------------------------------------------------------------------------------------------

def test_resources_dir_in_a_source_checkout_is_the_repo_folder() -> None:
    assert rp.resources_dir() == ROOT / "resources"
    assert rp.resource_path("icons", "sdrdesk.svg").is_file()


def test_resources_dir_when_frozen_is_where_the_spec_puts_them(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, linux_spec: SpecRun) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert rp.resources_dir() == tmp_path / "resources"
    (analysis,) = linux_spec.of("Analysis")
    assert (str(ROOT / "resources"), rp.resources_dir().name) in analysis.kwargs["datas"]


# --- icons ------------------------------------------------------------------------------------------------

def _load_make_icons() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("make_icons", INSTALLERS / "make_icons.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_MAGIC and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _ico_entries(data: bytes) -> list[tuple[int, bytes]]:
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    assert (reserved, kind) == (0, 1)
    entries = []
    for index in range(count):
        width, height, _colors, _res, planes, bits, size, offset = struct.unpack_from("<BBBBHHII", data,
                                                                                    6 + 16 * index)
        assert width == height and planes == 1 and bits == 32
        assert offset + size <= len(data)
        entries.append((width or 256, data[offset:offset + size]))
    return entries


def _icns_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    chunks, offset = [], 8
    while offset < len(data):
        kind, length = data[offset:offset + 4], struct.unpack(">I", data[offset + 4:offset + 8])[0]
        assert length > 8
        chunks.append((kind, data[offset + 8:offset + length]))
        offset += length
    assert offset == len(data)
    return chunks


def test_make_icons_writes_valid_png_ico_and_icns(tmp_path: Path) -> None:
    make_icons = _load_make_icons()
    written = make_icons.write_all(ICONS / "sdrdesk.svg", tmp_path)
    assert {path.name for path in written} == {
        *(f"sdrdesk-{size}.png" for size in make_icons.PNG_SIZES), "sdrdesk.ico", "sdrdesk.icns"}
    for size in make_icons.PNG_SIZES:
        assert _png_size((tmp_path / f"sdrdesk-{size}.png").read_bytes()) == (size, size)

    entries = _ico_entries((tmp_path / "sdrdesk.ico").read_bytes())
    assert [size for size, _ in entries] == sorted(make_icons.ICO_SIZES)
    for size, blob in entries:
        if size == 256:
            assert _png_size(blob) == (256, 256)
        else:
            header = struct.unpack_from("<IiiHH", blob, 0)
            assert header == (40, size, size * 2, 1, 32)  # DIB: height counts XOR + AND halves
            mask_stride = ((size + 31) // 32) * 4
            assert len(blob) == 40 + size * size * 4 + mask_stride * size

    chunks = _icns_chunks((tmp_path / "sdrdesk.icns").read_bytes())
    expected = dict(make_icons.ICNS_TYPES)
    assert [kind for kind, _ in chunks] == [kind for kind, _ in make_icons.ICNS_TYPES]
    for kind, blob in chunks:
        assert _png_size(blob) == (expected[kind], expected[kind])


def test_ico_dib_rows_are_bottom_up_with_transparency_mask() -> None:
    make_icons = _load_make_icons()
    size = 48
    image = make_icons.render(ICONS / "sdrdesk.svg", size)
    blob = make_icons._dib_bytes(image)
    pixels = blob[40:40 + size * size * 4]

    def dib_pixel(x: int, y: int) -> tuple[int, int, int, int]:
        row = size - 1 - y  # first stored row is the bottom of the picture
        b, g, r, a = pixels[(row * size + x) * 4:(row * size + x) * 4 + 4]
        return r, g, b, a

    for x, y in ((24, 2), (24, 24), (30, 44), (3, 40)):
        color = image.pixelColor(x, y)
        assert dib_pixel(x, y) == (color.red(), color.green(), color.blue(), color.alpha())
    assert image.pixelColor(0, 0).alpha() == 0 and image.pixelColor(24, 24).alpha() == 255
    mask = blob[40 + size * size * 4:]
    mask_stride = ((size + 31) // 32) * 4
    top_row = mask[(size - 1) * mask_stride:]
    middle_row = mask[(size // 2) * mask_stride:(size // 2 + 1) * mask_stride]
    assert top_row[0] & 0x80  # transparent corner: AND bit set
    assert not middle_row[24 // 8] & (0x80 >> (24 % 8))  # opaque centre: AND bit clear


def test_committed_icons_are_valid() -> None:
    make_icons = _load_make_icons()
    ico = _ico_entries((ICONS / "sdrdesk.ico").read_bytes())
    assert [size for size, _ in ico] == sorted(make_icons.ICO_SIZES)
    assert len(_icns_chunks((ICONS / "sdrdesk.icns").read_bytes())) == len(make_icons.ICNS_TYPES)
    for size in make_icons.PNG_SIZES:
        assert _png_size((ICONS / f"sdrdesk-{size}.png").read_bytes()) == (size, size)


# --- NSIS ------------------------------------------------------------------------------------------------

def _nsi() -> str:
    return NSI.read_text(encoding="utf-8")


def test_nsis_installs_per_user_with_start_menu_and_association() -> None:
    text = _nsi()
    assert re.search(r"^RequestExecutionLevel user$", text, re.M)
    assert re.search(r'^InstallDir "\$LOCALAPPDATA\\Programs\\\$\{APP_NAME\}"$', text, re.M)
    assert '!include "MUI2.nsh"' in text
    assert 'CreateShortcut "$SMPROGRAMS\\${APP_NAME}.lnk"' in text
    assert re.search(r'^!define DOC_EXT "\.sdrdesk"$', text, re.M)
    assert 'WriteRegStr SHCTX "Software\\Classes\\${DOC_EXT}" "" "${PROG_ID}"' in text
    assert 'shell\\open\\command" "" \'"$INSTDIR\\${APP_EXE}" ${OPEN_ARGS}\'' in text
    # Per user unless /ALLUSERS: SHCTX is HKCU only under SetShellVarContext current.
    on_init = text[text.index("Function .onInit"):text.index("FunctionEnd")]
    assert "SetShellVarContext current" in on_init and "/ALLUSERS" in on_init
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(";"))
    assert "HKLM" not in code  # every machine-wide write goes through SHCTX


def test_nsis_version_comes_from_the_command_line() -> None:
    text = _nsi()
    assert re.search(r"!ifndef VERSION\s+!error", text)
    assert 'VIAddVersionKey "ProductVersion" "${VERSION}"' in text
    assert re.search(r'^VIProductVersion "\$\{VERSION_QUAD\}"$', text, re.M)


def test_nsis_uninstaller_keeps_user_data_unless_asked() -> None:
    text = _nsi()
    section = re.search(r'^Section /o "un\.[^"]*data[^"]*" SecRemoveData$(.*?)^SectionEnd$', text,
                        re.M | re.S)
    assert section, "the data-removal section must exist and be unticked (/o) by default"
    assert "$LOCALAPPDATA\\${APP_NAME}" in section.group(1)
    program = re.search(r'^Section "-un\.Program"$(.*?)^SectionEnd$', text, re.M | re.S)
    assert program and "LOCALAPPDATA" not in program.group(1) and "APPDATA" not in program.group(1)
    assert "!insertmacro MUI_UNPAGE_COMPONENTS" in text
    assert '${GetOptions} $R0 "/PURGE"' in text


def test_document_extension_matches_between_windows_and_macos() -> None:
    plist = run_spec("darwin").of("BUNDLE")[0].kwargs["info_plist"]
    extensions = plist["UTExportedTypeDeclarations"][0]["UTTypeTagSpecification"]["public.filename-extension"]
    nsis_ext = re.search(r'^!define DOC_EXT "\.(\w+)"$', _nsi(), re.M)
    assert nsis_ext and extensions == [nsis_ext.group(1)]


def _makensis(tmp_path: Path, *defines: str) -> subprocess.CompletedProcess[str]:
    makensis = shutil.which("makensis")
    if makensis is None:
        pytest.skip("makensis not installed (.ci/build_installers.sh installs Debian's nsis)")
    return subprocess.run([makensis, "-V2", "-WX", *(f"-D{d}" for d in defines), str(NSI)],
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def tiny_bundle(tmp_path: Path) -> Path:
    bundle = tmp_path / "bundle"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "sdrdesk.exe").write_bytes(b"MZ stand-in")
    (bundle / "sdrdesk-cli.exe").write_bytes(b"MZ stand-in")
    (bundle / "_internal" / "base_library.zip").write_bytes(b"PK")
    return bundle


def test_nsis_script_compiles(tmp_path: Path, tiny_bundle: Path) -> None:
    out = tmp_path / "sdrdesk-9.8.7-installer.exe"
    result = _makensis(tmp_path, "VERSION=9.8.7", f"BUNDLE_DIR={tiny_bundle}", f"OUT_FILE={out}",
                       "NO_COMPRESSION")
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.read_bytes()[:2] == b"MZ"


def test_nsis_refuses_to_build_without_version_or_bundle(tmp_path: Path, tiny_bundle: Path) -> None:
    out = tmp_path / "x-installer.exe"
    no_version = _makensis(tmp_path, f"BUNDLE_DIR={tiny_bundle}", f"OUT_FILE={out}")
    assert no_version.returncode != 0 and "VERSION" in no_version.stdout + no_version.stderr
    (tiny_bundle / "sdrdesk.exe").unlink()
    no_exe = _makensis(tmp_path, "VERSION=1.0.0", f"BUNDLE_DIR={tiny_bundle}", f"OUT_FILE={out}")
    assert no_exe.returncode != 0 and "sdrdesk.exe" in no_exe.stdout + no_exe.stderr
    assert not out.exists()


# --- macOS, CI scripts, workflow --------------------------------------------------------------------------

def test_macos_entitlements_are_minimal_hardened_runtime_exceptions() -> None:
    entitlements = plistlib.loads((INSTALLERS / "macos" / "entitlements.plist").read_bytes())
    assert entitlements == {"com.apple.security.cs.allow-unsigned-executable-memory": True}


@pytest.mark.parametrize("script", ["installers/macos/make_dmg.sh", ".ci/build_installers.sh"])
def test_shell_scripts_parse_and_fail_fast(script: str) -> None:
    path = ROOT / script
    assert "set -euo pipefail" in path.read_text(encoding="utf-8")
    result = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_make_dmg_signs_inside_out_and_logs_skips() -> None:
    text = (INSTALLERS / "macos" / "make_dmg.sh").read_text(encoding="utf-8")
    assert "--options runtime" in text and "--timestamp" in text
    assert text.index('codesign_one "$file"') < text.index('codesign_one "$framework"') < text.index(
        'codesign_one --entitlements "$ENTITLEMENTS" "$APP"')
    assert "hdiutil create" in text and "notarytool submit" in text and "stapler staple" in text
    assert "SKIP signing" in text and "SKIP notarization" in text


@pytest.mark.skipif(sys.platform == "darwin", reason="checks the refusal on a machine without hdiutil")
def test_make_dmg_refuses_off_macos(tmp_path: Path) -> None:
    script = INSTALLERS / "macos" / "make_dmg.sh"
    result = subprocess.run(["bash", str(script), str(tmp_path / "x.app"), "1.0"],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode != 0 and "macOS" in result.stderr


def test_build_installers_script_self_tests_the_bundle_and_compiles_nsis() -> None:
    text = (ROOT / ".ci" / "build_installers.sh").read_text(encoding="utf-8")
    assert 'PYTHON="${PYTHON:-.venv/bin/python}"' in text
    assert "installers/sdrdesk.spec" in text
    assert re.search(r'"\$EXE" --self-test', text)
    assert "export QT_QPA_PLATFORM=offscreen" in text
    assert re.search(r"makensis .*-DVERSION=", text)
    assert re.search(r'command -v makensis .*packages\+=" nsis"', text)
    assert re.search(r'packages\+=" binutils"', text)  # PyInstaller needs objdump/objcopy on Linux


def test_workflow_builds_windows_and_macos_installers() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "\t" not in text
    assert re.search(r"^\s+os: windows-\S+", text, re.M) and re.search(r"^\s+os: macos-1[4-9]\S*", text, re.M)
    assert 'python-version: "3.11"' in text  # the suite on source installs' oldest Python
    assert 'python-version: "3.12"' in text  # installers: immortal None/True, no workaround needed
    assert '-e ".[test,build]"' in text and "python -m pytest" in text
    assert "installers/sdrdesk.spec" in text
    assert "sdrdesk-cli.exe --self-test" in text and "Contents/MacOS/sdrdesk --self-test" in text
    assert "installers\\windows\\sdrdesk.nsi" in text and "installers/macos/make_dmg.sh" in text
    assert text.count("actions/upload-artifact@") == 2
    # Signing is present but only runs with secrets; secrets never reach pull-request logs as args.
    assert "secrets.WINDOWS_CERTIFICATE_PFX_BASE64" in text and "secrets.MACOS_SIGN_IDENTITY" in text
    assert not re.search(r"run:.*secrets\.", text)
