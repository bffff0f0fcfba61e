; OTOP Field Desk: the Windows installer (Inno Setup 6).
; (Saved as UTF-8 with a BOM: Inno Setup reads a script without one as ANSI, spoiling the Spanish.)
;
; Build the one-folder app first, then the installer (the GitHub workflow does both):
;   python build_scripts\build_app.py
;   iscc /DAppVersion=0.1.0 build_scripts\windows\otop-desktop.iss
; The version comes from otop_desktop/version.py (the workflow reads it and passes it here).
; Output: build_scripts\dist\otop-desktop-<version>-setup.exe
;
; Per user, no administrator needed (a borrowed laptop): the app goes to
; %LOCALAPPDATA%\Programs\OTOP Field Desk, its shortcuts to the user's Start menu (and desktop).
;
; The data is NOT in the install folder: it lives in the user's data folder,
; %LOCALAPPDATA%\OTOP\OTOP Field Desk (database, photos, backups, logs; or wherever
; OTOP_DATA_DIR / --data-dir points). Uninstalling removes the app only and keeps the data,
; so reinstalling or upgrading finds everything where it was.
;
; Languages: English and Spanish, which Inno Setup ships. Inno Setup has no official
; Traditional Chinese translation (ChineseTraditional.isl is a third-party file), so Taiwanese
; users get the English installer; the app itself is in Traditional Chinese.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=0.1.0 otop-desktop.iss (from otop_desktop/version.py)
#endif

#define AppName "OTOP Field Desk"
#define AppExe "otop-desktop.exe"
; Relative to this script's folder (build_scripts\windows).
#define AppFolder "..\dist\otop-desktop"
#define Resources "..\..\resources"

[Setup]
; Never change the AppId: it is how Windows knows a new version replaces the old one.
AppId={{AAFC98C9-7B2F-4D36-95F7-DD7366624C52}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=The OTOP Field Desk contributors
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
PrivilegesRequired=lowest
DefaultDirName={localappdata}\Programs\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Windows 10 or later (Qt 6 needs it).
MinVersion=10.0
LicenseFile={#Resources}\licenses\common\OTOP-Field-Desk-MIT.txt
SetupIconFile={#Resources}\icons\otop-desktop.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
OutputDir=..\dist
OutputBaseFilename=otop-desktop-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
; A running copy would hold its files open: ask to close it.
CloseApplications=yes

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "es"; MessagesFile: "compiler:Languages\Spanish.isl"

[CustomMessages]
en.DataKept=Your data (workshops, trainees, photos, backups) was kept in:%n%1%n%nInstalling OTOP Field Desk again finds it there.
es.DataKept=Sus datos (talleres, participantes, fotos, copias de seguridad) se conservaron en:%n%1%n%nSi vuelve a instalar OTOP Field Desk, los encontrará allí.

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the app's libraries entirely (no stale Qt or Python files left behind).
; Only the install folder: the data is elsewhere.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#AppFolder}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
{ After uninstalling, say where the data stayed (platformdirs' user data folder). }
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
  begin
    DataDir := GetEnv('OTOP_DATA_DIR');
    if DataDir = '' then
      DataDir := ExpandConstant('{localappdata}\OTOP\{#AppName}');
    if DirExists(DataDir) then
      MsgBox(FmtMessage(CustomMessage('DataKept'), [DataDir]), mbInformation, MB_OK);
  end;
end;
