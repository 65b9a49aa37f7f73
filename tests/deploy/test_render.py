"""deploy.sh under DEPLOY_ROOT: what each command renders, checked by nginx and systemd's own tools."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.deploy.support import (
    APP,
    DEPLOY,
    SCORE,
    deploy_run,
    env_file_read,
    env_file_seed,
    nginx_test,
    self_signed_certificate,
    tool_required,
    tree_snapshot,
)

# Never connected to while rendering (migrate and collectstatic touch no cache).
REDIS_URL = "redis://127.0.0.1:6379/7"
PORTS = range(8001, 8013)


def seed(root: Path, app: str, database: Path) -> Path:
    return env_file_seed(root, app, DATABASE_URL=f"sqlite:///{database}", REDIS_URL=REDIS_URL)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    """init-server once under a DEPLOY_ROOT whose env file names a SQLite database."""
    base = tmp_path_factory.mktemp("deploy")
    root = base / "root"
    seed(root, APP, base / "db.sqlite3")
    return root, deploy_run(root, "init-server", HTTP_PORT="18080")


def test_deploy_sh_is_shellcheck_clean():
    shellcheck = tool_required("shellcheck", "shellcheck")
    result = subprocess.run(
        [shellcheck, "-x", "deploy.sh"], cwd=DEPLOY.parent, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_init_server_renders_units_nginx_and_a_private_env_file(rendered):
    root, _result = rendered
    units = root / "etc/systemd/system"
    app_dir = root / "var/www" / APP

    daphne = (units / f"{APP}-daphne@.service").read_text()
    assert f"ExecStart={app_dir}/.venv/bin/daphne --bind 127.0.0.1 --port %i --proxy-headers" in daphne
    assert "--root-path=/cinestream" in daphne
    assert f"EnvironmentFile={root}/etc/cinestream/{APP}.env" in daphne
    assert "Restart=always" in daphne
    assert f"User={APP}" in daphne
    target = (units / f"{APP}.target").read_text()
    # The documented rule: process k runs on core k mod the core count.
    for index, port in enumerate(PORTS):
        assert f"{APP}-daphne@{port}.service" in target
        affinity = (units / f"{APP}-daphne@{port}.service.d/cpu.conf").read_text()
        assert f"CPUAffinity={index % os.cpu_count()}\n" in affinity
    assert f"{APP}-celery-worker.service" in target
    assert f"{APP}-celery-beat.service" in target

    upstream = (root / f"etc/nginx/cinestream/sites/{APP}.conf").read_text()
    assert "ip_hash;" in upstream
    assert [int(port) for port in re.findall(r"server 127\.0\.0\.1:(\d+)", upstream)] == list(PORTS)
    default = (root / "etc/nginx/cinestream/sites/00-default.conf").read_text()
    assert "return 302 /cinestream/;" in default

    env_file = root / "etc/cinestream" / f"{APP}.env"
    assert env_file.stat().st_mode & 0o777 == 0o600
    values = env_file_read(env_file)
    assert values["DATABASE_URL"].startswith("sqlite:///")  # the operator's value kept
    assert len(values["SECRET_KEY"]) >= 50
    assert values["DEBUG"] == "false"
    # localhost over plain HTTP: the secure defaults are switched off explicitly, under the prefix.
    assert values["HTTPS"] == "false"
    assert values["FORCE_SCRIPT_NAME"] == "/cinestream"
    assert values["STREAM_SERVER_PROCESSES"] == "12"

    # The app's own steps ran: migrations (the SQLite file), static files, translations.
    assert (app_dir / "staticfiles/staticfiles.json").is_file()
    assert (app_dir / "locale/uk/LC_MESSAGES/django.mo").is_file()
    assert (app_dir / "manage.py").is_file()
    assert not (app_dir / ".git").exists()


def test_rendered_nginx_configuration_passes_nginx_t(rendered):
    root, _result = rendered
    result = nginx_test(root)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def systemd_analyze(root: Path, *args: str) -> subprocess.CompletedProcess:
    tool_required("systemd-analyze", "systemd")
    return subprocess.run(
        ["systemd-analyze", *args],
        # The rendered units first, then the system's (for targets such as network-online).
        env={**os.environ, "SYSTEMD_UNIT_PATH": f"{root}/etc/systemd/system:"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def rendered_services(root: Path) -> list[str]:
    names = [path.name for path in (root / "etc/systemd/system").glob("*.service")]
    # The template's instances, each with its CPU drop-in.
    return sorted(
        [name for name in names if not name.endswith("@.service")]
        + [f"{APP}-daphne@{port}.service" for port in PORTS]
    )


def test_rendered_units_pass_systemd_analyze_verify(rendered):
    root, _result = rendered
    units = [*rendered_services(root), f"{APP}.target", "cinestream-certbot-renew.timer"]
    result = systemd_analyze(root, "verify", *units)
    # verify reports a bad line or a missing binary on stderr and may still exit 0.
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_every_rendered_service_scores_2_or_below_in_systemd_analyze_security(rendered):
    root, _result = rendered
    scores = {}
    for unit in rendered_services(root):
        result = systemd_analyze(root, "security", "--offline=yes", unit)
        match = SCORE.search(result.stdout)
        assert match, result.stdout + result.stderr
        scores[unit] = float(match.group(2))
    assert len(scores) == 12 + 3
    assert max(scores.values()) <= 2.0, scores


def test_a_second_run_changes_nothing(rendered):
    root, _result = rendered
    before = tree_snapshot(root)

    again = deploy_run(root, "init-server", HTTP_PORT="18080")

    assert tree_snapshot(root) == before
    assert "wrote " not in again.stdout
    assert "unchanged" in again.stdout


def test_dry_run_prints_the_steps_in_order_and_runs_nothing(tmp_path):
    result = deploy_run(tmp_path, "--dry-run", "init-server")

    assert list(tmp_path.iterdir()) == []
    lines = result.stdout.splitlines()

    def first(pattern: str) -> int:
        return next(number for number, line in enumerate(lines) if re.search(pattern, line))

    steps = [
        first(r"\$ pacman -Syu .*postgresql .*certbot"),
        first(r"\$ runuser -u postgres -- initdb"),
        first(r"\$ systemctl enable --now postgresql"),
        first(r"\$ systemctl enable --now cinestream-certbot-renew\.timer"),
        first(r"CREATE ROLE \"cinestream\""),
        first(r"manage\.py migrate"),
        first(r"\$ systemctl restart cinestream-daphne@8012\.service"),
        first(r"\$ systemctl reload-or-restart nginx"),
    ]
    assert steps == sorted(steps), result.stdout
    # The generated password is never printed.
    assert "PASSWORD '***'" in result.stdout


def test_a_failing_step_stops_with_a_clear_message(tmp_path):
    env_file_seed(tmp_path / "root", APP, DATABASE_URL="mysql://nobody@localhost/x", REDIS_URL=REDIS_URL)

    result = deploy_run(tmp_path / "root", "deploy-app", APP, check=False)

    assert result.returncode != 0
    assert "DATABASE_URL: expected sqlite:///path or postgres://" in result.stderr
    assert re.search(r"deploy\.sh: stopped: .*manage\.py migrate.* failed with exit code 2", result.stderr)
    # Nothing after the failed step ran.
    assert "systemd units" not in result.stdout
    assert deploy_run(tmp_path, "deploy-app", "Bad Name", check=False).stderr.strip() == (
        "deploy.sh: app name 'Bad Name': use lowercase letters, digits, - and _ (a letter first)"
    )


# Last in this module: it ends by uninstalling the module's deployment.
def test_second_app_domain_certificate_and_every_other_command(rendered, tmp_path):
    root, _result = rendered
    # The second app's own database, already migrated (a copy of the first's) to save time.
    shutil.copy(
        env_file_read(root / "etc/cinestream" / f"{APP}.env")["DATABASE_URL"].removeprefix("sqlite:///"),
        tmp_path / "films.sqlite3",
    )
    seed(root, "films", tmp_path / "films.sqlite3")

    deploy_run(root, "deploy-app", "films")
    films = (root / "etc/nginx/cinestream/sites/films.conf").read_text()
    assert re.findall(r"server 127\.0\.0\.1:(\d+)", films) == [str(port) for port in range(8013, 8025)]
    assert "location /films/" in (root / "etc/nginx/cinestream/apps/films.locations").read_text()
    assert "return 302 /cinestream/;" in (root / "etc/nginx/cinestream/sites/00-default.conf").read_text()

    ambiguous = deploy_run(root, "set-domain", "localhost", check=False)
    assert ambiguous.returncode != 0
    assert "several apps (cinestream films)" in ambiguous.stderr
    assert "run set-domain localhost" in deploy_run(root, "install-ssl", "localhost", check=False).stderr

    deploy_run(root, "set-domain", "localhost", "films")
    assert env_file_read(root / "etc/cinestream/films.env")["ALLOWED_HOSTS"] == "localhost"
    assert "--root-path= " in (root / "etc/systemd/system/films-daphne@.service").read_text()
    assert not (root / "etc/nginx/cinestream/prefixed/films.conf").exists()
    self_signed_certificate(root / "etc/letsencrypt/live/localhost", "localhost")

    installed = deploy_run(root, "install-ssl", "localhost", HTTPS_PORT="18443")
    assert "$ certbot certonly --webroot" in installed.stdout
    films_env = env_file_read(root / "etc/cinestream/films.env")
    assert (films_env["HTTPS"], films_env["CSRF_TRUSTED_ORIGINS"]) == ("true", "https://localhost")
    site = (root / "etc/nginx/cinestream/sites/films.conf").read_text()
    assert "listen 18443 ssl" in site
    assert "return 301 https://$host:18443$request_uri;" in site
    assert "Strict-Transport-Security" in (root / "etc/nginx/cinestream/headers-films.conf").read_text()
    # The first app still answers at http://localhost/cinestream/ without HSTS.
    assert (
        "Strict-Transport-Security" not in (root / "etc/nginx/cinestream/headers-cinestream.conf").read_text()
    )
    checked = nginx_test(root)
    assert checked.returncode == 0, checked.stderr

    status = deploy_run(root, "status")
    assert "films: localhost, ports 8013-8024" in status.stdout
    assert "certificate for localhost expires:" in status.stdout
    for command, expected in [
        ("start-all", "$ systemctl start films.target"),
        ("stop-all", "$ systemctl stop cinestream.target"),
        ("enable-autostart", "$ systemctl enable films.target"),
        ("logs", None),
    ]:
        result = deploy_run(root, command, check=expected is not None)
        if expected:
            assert expected in result.stdout
        else:
            assert "several apps" in result.stderr
    assert "$ journalctl --unit films.target" in deploy_run(root, "logs", "films").stdout
    assert "Usage: sudo ./deploy.sh" in deploy_run(root, "help").stdout

    removed = deploy_run(root, "uninit-server", "yes")
    assert 'DROP DATABASE IF EXISTS "films"' in removed.stdout
    assert "$ pacman -Rns --noconfirm nginx" in removed.stdout
    leftovers = [str(path.relative_to(root)) for path in (root / "etc").rglob("*") if path.is_file()]
    assert not (root / "var/www").exists() or not any((root / "var/www").iterdir())
    # Certificates are certbot's: uninstalling CineStream keeps them.
    assert sorted(leftovers) == [
        "etc/letsencrypt/live/localhost/fullchain.pem",
        "etc/letsencrypt/live/localhost/privkey.pem",
    ]
    assert deploy_run(root, "uninit-server").returncode == 0
