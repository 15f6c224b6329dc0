; sdrdesk Windows installer (NSIS 3, Modern UI 2).
;
; Build (from the repo root, after PyInstaller made dist\sdrdesk\):
;   makensis /DVERSION=0.1.0 installers\windows\sdrdesk.nsi
; Optional defines: BUNDLE_DIR (default ..\..\dist\sdrdesk), OUT_FILE (default
; ..\..\dist\sdrdesk-<VERSION>-setup.exe), VERSION_QUAD (x.y.z.w for the file properties),
; ALLOW_NON_WINDOWS_BUNDLE (Linux CI compiles the script against the Linux bundle as a check),
; NO_COMPRESSION (faster compile for that check), SIGN_COMMAND (e.g. `"C:\...\signtool.exe" sign /a /fd
; sha256 /tr http://timestamp.digicert.com /td sha256`): run on the uninstaller and the installer
; as makensis writes them, so both carry the signature (CI passes it when signing secrets exist).
; Relative paths are relative to this file: makensis changes into the script's folder.
;
; Installs per user by default (no UAC prompt) into %LOCALAPPDATA%\Programs\sdrdesk, registry under
; HKCU. An administrator deploying machine-wide runs it elevated with /ALLUSERS (Program Files, HKLM).
; The uninstaller keeps the user's books, backups, logs and settings unless the user ticks
; "Remove my sdrdesk data" (or passes /PURGE to a silent uninstall).

Unicode true
ManifestDPIAware true
!ifdef NO_COMPRESSION
  SetCompress off  ; CI compile check: compressing 190 MB with LZMA takes minutes and proves nothing
!else
  SetCompressor /SOLID lzma
!endif
RequestExecutionLevel user

!ifndef VERSION
  !error "Pass the package version: makensis /DVERSION=x.y.z (.ci/build_installers.sh reads sdrdesk.__version__)"
!endif
!ifndef BUNDLE_DIR
  !define BUNDLE_DIR "..\..\dist\sdrdesk"
!endif
!ifndef OUT_FILE
  !define OUT_FILE "..\..\dist\sdrdesk-${VERSION}-setup.exe"
!endif
!ifndef VERSION_QUAD
  ; VIProductVersion needs exactly four numbers; 0.1.0 -> 0.1.0.0
  !searchparse /noerrors "${VERSION}.0.0.0" "" V_MAJOR "." V_MINOR "." V_PATCH "."
  !define VERSION_QUAD "${V_MAJOR}.${V_MINOR}.${V_PATCH}.0"
!endif

!if /FileExists "${BUNDLE_DIR}\sdrdesk.exe"
!else ifdef ALLOW_NON_WINDOWS_BUNDLE
  !echo "No sdrdesk.exe in ${BUNDLE_DIR}: compiling against a non-Windows bundle (CI check only)"
!else
  !error "No ${BUNDLE_DIR}\sdrdesk.exe: build the bundle with PyInstaller (installers/sdrdesk.spec) first"
!endif

!ifdef SIGN_COMMAND
  !uninstfinalize '${SIGN_COMMAND} "%1"' = 0
  !finalize '${SIGN_COMMAND} "%1"' = 0
!endif

!define APP_NAME "sdrdesk"
!define APP_EXE "sdrdesk.exe"
!define APP_PUBLISHER "sdrdesk"
!define PROG_ID "sdrdesk.RepFile"
!define DOC_EXT ".sdrdesk"
; What a double-clicked .sdrdesk file runs: the app imports (merges) the rep file.
!define OPEN_ARGS '--open "%1"'
!define INSTALLER_KEY "Software\sdrdesk"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\sdrdesk"
!define ALLUSERS_MARKER ".allusers"
!define ICON_FILE "..\..\resources\icons\sdrdesk.ico"

Name "${APP_NAME} ${VERSION}"
OutFile "${OUT_FILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
InstallDirRegKey HKCU "${INSTALLER_KEY}" "InstallDir"
BrandingText "${APP_NAME} ${VERSION}"

VIProductVersion "${VERSION_QUAD}"
VIAddVersionKey "ProductName" "${APP_NAME}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "${APP_NAME} installer"
VIAddVersionKey "CompanyName" "${APP_PUBLISHER}"
VIAddVersionKey "LegalCopyright" "MIT licensed"

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"
!include "WinVer.nsh"
!include "x64.nsh"
!include "Integration.nsh" ; NotifyShell_AssocChanged

Var AllUsers

; --- Modern UI -------------------------------------------------------------------------------------
!define MUI_ICON "${ICON_FILE}"
!define MUI_UNICON "${ICON_FILE}"
!define MUI_ABORTWARNING
!define MUI_UNABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Start ${APP_NAME}"
!define MUI_COMPONENTSPAGE_NODESC

!insertmacro MUI_PAGE_WELCOME
!if /FileExists "..\..\LICENSE"
  !insertmacro MUI_PAGE_LICENSE "..\..\LICENSE"
!endif
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!define MUI_COMPONENTSPAGE_TEXT_TOP "Your books, backups, logs and settings are kept unless you tick the box below."
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"

; --- Install -----------------------------------------------------------------------------------------
Function .onInit
  ${IfNot} ${AtLeastWin10}
    MessageBox MB_ICONSTOP|MB_OK "${APP_NAME} needs Windows 10 or newer." /SD IDOK
    Abort
  ${EndIf}
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP|MB_OK "${APP_NAME} needs 64-bit Windows." /SD IDOK
    Abort
  ${EndIf}
  StrCpy $AllUsers 0
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/ALLUSERS" $R1
  ${IfNot} ${Errors}
    UserInfo::GetAccountType
    Pop $R2
    ${If} $R2 != "Admin"
      MessageBox MB_ICONSTOP|MB_OK "/ALLUSERS needs an elevated (administrator) installer." /SD IDOK
      Abort
    ${EndIf}
    StrCpy $AllUsers 1
    ; Move to Program Files only when /D= did not choose a folder. Compare before switching the
    ; shell context: under "all", $LOCALAPPDATA is the all-users folder.
    ${If} $INSTDIR == "$LOCALAPPDATA\Programs\${APP_NAME}"
      StrCpy $INSTDIR "$PROGRAMFILES64\${APP_NAME}"
    ${EndIf}
    SetShellVarContext all
    SetRegView 64
  ${Else}
    SetShellVarContext current
  ${EndIf}
FunctionEnd

Section "-Program"
  SetOutPath "$INSTDIR"
  ; A new version must not load modules left over from an old one.
  RMDir /r "$INSTDIR\_internal"
  File /r "${BUNDLE_DIR}\*.*"
  ${If} $AllUsers == 1
    FileOpen $0 "$INSTDIR\${ALLUSERS_MARKER}" w
    FileClose $0
  ${EndIf}
  WriteUninstaller "$INSTDIR\uninstall.exe"

  ; SHCTX is HKCU per user and HKLM with /ALLUSERS (it follows SetShellVarContext).
  WriteRegStr SHCTX "${INSTALLER_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr SHCTX "${INSTALLER_KEY}" "Version" "${VERSION}"

  CreateShortcut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0

  ; .sdrdesk file association (Software\Classes under HKCU: no admin rights needed).
  WriteRegStr SHCTX "Software\Classes\${DOC_EXT}" "" "${PROG_ID}"
  WriteRegStr SHCTX "Software\Classes\${DOC_EXT}" "Content Type" "application/x-sdrdesk"
  WriteRegStr SHCTX "Software\Classes\${DOC_EXT}\OpenWithProgids" "${PROG_ID}" ""
  WriteRegStr SHCTX "Software\Classes\${PROG_ID}" "" "${APP_NAME} rep file"
  WriteRegStr SHCTX "Software\Classes\${PROG_ID}\DefaultIcon" "" '"$INSTDIR\${APP_EXE}",0'
  WriteRegStr SHCTX "Software\Classes\${PROG_ID}\shell\open\command" "" '"$INSTDIR\${APP_EXE}" ${OPEN_ARGS}'
  WriteRegStr SHCTX "Software\Classes\Applications\${APP_EXE}\shell\open\command" "" \
    '"$INSTDIR\${APP_EXE}" ${OPEN_ARGS}'
  WriteRegStr SHCTX "Software\Classes\Applications\${APP_EXE}\SupportedTypes" "${DOC_EXT}" ""
  ${NotifyShell_AssocChanged}

  ; Apps & features entry.
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "Publisher" "${APP_PUBLISHER}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayIcon" '"$INSTDIR\${APP_EXE}",0'
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

; --- Uninstall ---------------------------------------------------------------------------------------
Section "-un.Program"
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"

  ; Remove the association only if it still points at us.
  ReadRegStr $0 SHCTX "Software\Classes\${DOC_EXT}" ""
  ${If} $0 == "${PROG_ID}"
    DeleteRegValue SHCTX "Software\Classes\${DOC_EXT}" ""
  ${EndIf}
  DeleteRegValue SHCTX "Software\Classes\${DOC_EXT}\OpenWithProgids" "${PROG_ID}"
  DeleteRegKey /ifempty SHCTX "Software\Classes\${DOC_EXT}\OpenWithProgids"
  DeleteRegValue SHCTX "Software\Classes\${DOC_EXT}" "Content Type"
  DeleteRegKey /ifempty SHCTX "Software\Classes\${DOC_EXT}"
  DeleteRegKey SHCTX "Software\Classes\${PROG_ID}"
  DeleteRegKey SHCTX "Software\Classes\Applications\${APP_EXE}"
  ${NotifyShell_AssocChanged}

  DeleteRegKey SHCTX "${UNINSTALL_KEY}"
  DeleteRegValue SHCTX "${INSTALLER_KEY}" "InstallDir"
  DeleteRegValue SHCTX "${INSTALLER_KEY}" "Version"
  DeleteRegKey /ifempty SHCTX "${INSTALLER_KEY}"

  ; Only what we installed: files a user put in the folder survive, and so does the folder then.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\sdrdesk.exe"
  Delete "$INSTDIR\sdrdesk-cli.exe"
  Delete "$INSTDIR\${ALLUSERS_MARKER}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
SectionEnd

; Unticked by default: uninstalling never loses a rep's book unless asked.
Section /o "un.Remove my sdrdesk data (books, backups, logs, settings)" SecRemoveData
  ; The data of the user running the uninstaller (platformdirs: %LOCALAPPDATA%\sdrdesk\sdrdesk),
  ; and the app's QSettings in the registry (HKCU\Software\sdrdesk).
  SetShellVarContext current
  RMDir /r "$LOCALAPPDATA\${APP_NAME}"
  RMDir /r "$APPDATA\${APP_NAME}"
  DeleteRegKey HKCU "Software\${APP_NAME}"
SectionEnd

; After the sections: it refers to ${SecRemoveData}, which only exists once that section is defined.
Function un.onInit
  ${If} ${FileExists} "$INSTDIR\${ALLUSERS_MARKER}"
    UserInfo::GetAccountType
    Pop $R2
    ${If} $R2 != "Admin"
      MessageBox MB_ICONSTOP|MB_OK "${APP_NAME} was installed for all users: run the uninstaller as an administrator." /SD IDOK
      Abort
    ${EndIf}
    SetShellVarContext all
    SetRegView 64
  ${Else}
    SetShellVarContext current
  ${EndIf}
  ; Silent uninstalls (/S) keep the data unless /PURGE is given too.
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/PURGE" $R1
  ${IfNot} ${Errors}
    SectionSetFlags ${SecRemoveData} ${SF_SELECTED}
  ${EndIf}
FunctionEnd
