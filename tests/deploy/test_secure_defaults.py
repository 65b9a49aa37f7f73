"""Secure by default: with DEBUG off the settings are HTTPS-only unless HTTPS=false says otherwise."""

import pytest

from tests.cinestream.test_settings import manage, setting_value

KEY = "k7Jx2Qe9vLm4Zp8Rt1Wy6Ns3Bd5Hf0Gc-Ua7Ko2Ie9Xq4Vj8Tl1Sr6Pw3Mz5Yn0"
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": KEY, "ALLOWED_HOSTS": "cinestream.example"}
SECURITY = (
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SECURE",
    "SECURE_PROXY_SSL_HEADER",
)


def settings_values(**env: str) -> dict[str, str]:
    lines = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings\n"
        + "".join(f"print(repr(getattr(settings, {name!r}, None)))\n" for name in SECURITY),
        **env,
    ).stdout.splitlines()
    return dict(zip(SECURITY, lines, strict=True))


@pytest.mark.embedded
def test_check_deploy_reports_nothing_with_only_debug_off_a_key_and_hosts():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.embedded
def test_debug_off_is_https_only_behind_nginx():
    assert settings_values(**PRODUCTION) == {
        "SECURE_SSL_REDIRECT": "True",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "True",
        "SECURE_HSTS_PRELOAD": "True",
        "SESSION_COOKIE_SECURE": "True",
        "CSRF_COOKIE_SECURE": "True",
        "LANGUAGE_COOKIE_SECURE": "True",
        "SECURE_PROXY_SSL_HEADER": "('HTTP_X_FORWARDED_PROTO', 'https')",
    }


@pytest.mark.embedded
def test_a_plain_http_install_opts_out_explicitly_and_the_development_default_is_unchanged():
    plain = settings_values(**PRODUCTION, HTTPS="false")
    development = settings_values(DEBUG="true")

    for values in (plain, development):
        assert values["SECURE_SSL_REDIRECT"] == "False"
        assert values["SECURE_HSTS_SECONDS"] == "0"
        assert values["SESSION_COOKIE_SECURE"] == "False"
        assert values["CSRF_COOKIE_SECURE"] == "False"
    # Still behind nginx: the scheme it reports is trusted; development trusts no header.
    assert plain["SECURE_PROXY_SSL_HEADER"] == "('HTTP_X_FORWARDED_PROTO', 'https')"
    assert development["SECURE_PROXY_SSL_HEADER"] == "None"
    # Explicit settings still win over the default.
    assert settings_values(**PRODUCTION, SECURE_HSTS_SECONDS="60")["SECURE_HSTS_SECONDS"] == "60"
    assert manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, HTTPS="false").returncode != 0


@pytest.mark.embedded
def test_a_path_prefix_moves_static_files_under_it():
    assert setting_value("STATIC_URL", FORCE_SCRIPT_NAME="/cinestream") == "/cinestream/static/"
    assert setting_value("FORCE_SCRIPT_NAME", FORCE_SCRIPT_NAME="/cinestream/") == "/cinestream"
    assert setting_value("STATIC_URL") == "/static/"
    assert setting_value("FORCE_SCRIPT_NAME") == "None"
