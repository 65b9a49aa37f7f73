"""Running deploy.sh under a DEPLOY_ROOT, and reading what it rendered."""

import getpass
import hashlib
import os
import random
import re
import shlex
import shutil
import socket
import subprocess
from pathlib import Path

from tests.conftest import service_missing
from tests.support.processes import BASE_DIR, VENV_BIN

DEPLOY = BASE_DIR / "deploy.sh"
APP = "cinestream"


def tool_required(name: str, package: str) -> str:
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if not path:
        service_missing(f"needs {name}: apt-get install {package}")
    return path


def deploy_run(root: Path, *args: str, check: bool = True, **env: str) -> subprocess.CompletedProcess:
    """deploy.sh ARGS with DEPLOY_ROOT=root and this virtualenv linked as the app's."""
    tool_required("rsync", "rsync")
    tool_required("openssl", "openssl")
    result = subprocess.run(
        [str(DEPLOY), *args],
        env={
            "PATH": os.environ["PATH"],
            "HOME": os.environ.get("HOME", "/root"),
            "DEPLOY_ROOT": str(root),
            "DEPLOY_VENV": str(VENV_BIN.parent),
            "NGINX_USER": getpass.getuser(),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=180,
    )
    if check:
        assert result.returncode == 0, f"deploy.sh {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def env_file_seed(root: Path, app: str, **values: str) -> Path:
    """An env file the operator (here the test) wrote before deploying: deploy.sh keeps its values."""
    path = root / "etc" / "cinestream" / f"{app}.env"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{key}={value}\n" for key, value in values.items()))
    return path


def env_file_read(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key] = value
    return values


def tree_snapshot(root: Path) -> dict[str, tuple[int, str]]:
    """Every file under root (symlinks by target), with its mode and content hash."""
    snapshot = {}
    for path in sorted(root.rglob("*")):
        relative = str(path.relative_to(root))
        if path.is_symlink():
            snapshot[relative] = (0, os.readlink(path))
        elif path.is_file():
            snapshot[relative] = (path.stat().st_mode & 0o7777, hashlib.sha256(path.read_bytes()).hexdigest())
    return snapshot


def unit_exec_start(unit_file: Path, **specifiers: str) -> list[str]:
    """The unit's ExecStart as an argument list, with systemd specifiers (%i, %H...) filled in."""
    line = next(line for line in unit_file.read_text().splitlines() if line.startswith("ExecStart="))
    command = line.removeprefix("ExecStart=")
    for specifier, value in specifiers.items():
        command = command.replace(f"%{specifier}", value)
    assert "%" not in command.replace("%%", ""), f"unfilled specifier in {command}"
    return shlex.split(command)


def nginx_test(root: Path) -> subprocess.CompletedProcess:
    nginx = tool_required("nginx", "nginx")
    return subprocess.run(
        [nginx, "-t", "-c", str(root / "etc/nginx/nginx.conf"), "-e", str(root / "var/log/nginx/error.log")],
        capture_output=True,
        text=True,
        timeout=30,
    )


def free_port_range(count: int) -> int:
    """The first of `count` consecutive loopback ports nothing listens on, below the kernel's
    ephemeral range (outgoing connections take those while deploy.sh renders)."""
    low, _high = (int(n) for n in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    for _ in range(200):
        first = random.randrange(10_000, low - count)
        if all(_port_free(port) for port in range(first, first + count)):
            return first
    raise AssertionError(f"no {count} free consecutive ports")


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def self_signed_certificate(directory: Path, domain: str) -> None:
    directory.mkdir(parents=True)
    subprocess.run(
        [
            tool_required("openssl", "openssl"),
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "365",
            "-subj",
            f"/CN={domain}",
            "-addext",
            f"subjectAltName=DNS:{domain}",
            "-keyout",
            str(directory / "privkey.pem"),
            "-out",
            str(directory / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )


SCORE = re.compile(r"Overall exposure level for (\S+): ([0-9.]+)")
