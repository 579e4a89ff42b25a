# Installs the SegmentMiner worker as a Windows service (Microsoft.Extensions.Hosting.WindowsServices).
# Untested here: the build machine runs Linux. Run from an elevated PowerShell in the folder of a published build:
#   dotnet publish src\SegmentMiner.Cli -c Release -o C:\Program Files\SegmentMiner
#   .\install-windows-service.ps1 -InstallDir "C:\Program Files\SegmentMiner" -Account "DOMAIN\svc-segminer"
param(
    [Parameter(Mandatory = $true)][string] $InstallDir,
    [Parameter(Mandatory = $true)][string] $Account,
    [string] $ServiceName = "SegmentMiner",
    [string] $DataDir = "C:\ProgramData\SegmentMiner"
)
$ErrorActionPreference = "Stop"

$dotnet = (Get-Command dotnet).Source
$dll = Join-Path $InstallDir "segminer.dll"
if (-not (Test-Path $dll)) { throw "segminer.dll not found in $InstallDir: publish the build there first." }

New-Item -ItemType Directory -Force -Path $DataDir | Out-Null
# The service account may write the data folder, and only read the program.
icacls $DataDir /grant "${Account}:(OI)(CI)M" | Out-Null

$credential = Get-Credential -UserName $Account -Message "Password of the service account $Account"
New-Service -Name $ServiceName `
    -BinaryPathName "`"$dotnet`" `"$dll`" run --data-dir `"$DataDir`"" `
    -DisplayName "SegmentMiner worker" `
    -Description "Warehouse sync, clustering models and published segments on schedule." `
    -StartupType Automatic `
    -Credential $credential

# Connection strings and passwords: SEGMINER__... variables of the service (never in appsettings.json), e.g.
#   [Environment]::SetEnvironmentVariable("SEGMINER__Warehouse__ConnectionString", "...", "Machine")
# Restart after a failure, but not in a loop: one minute between attempts.
sc.exe failure $ServiceName reset= 86400 actions= restart/60000/restart/60000/""/0 | Out-Null
Start-Service $ServiceName
Get-Service $ServiceName
