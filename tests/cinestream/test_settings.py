"""Start-up configuration: one clear line for a bad value, the two modes, --deploy."""

import subprocess
import sys

import pytest

from tests.support.processes import BASE_DIR

PRODUCTION_LIKE = {
    "DEBUG": "false",
    "SECRET_KEY": "k7Jx2Qe9vLm4Zp8Rt1Wy6Ns3Bd5Hf0Gc-Ua7Ko2Ie9Xq4Vj8Tl1Sr6Pw3Mz5Yn0",
    "ALLOWED_HOSTS": "cinestream.example",
    "CSRF_TRUSTED_ORIGINS": "https://cinestream.example",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "SESSION_COOKIE_SECURE": "true",
    "CSRF_COOKIE_SECURE": "true",
    "SECURE_PROXY_SSL_HEADER": "true",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base_env = {"PATH": "/usr/bin:/bin", "CINESTREAM_ENV_FILE": "", "DEBUG": "true", "LOG_LEVEL": "error"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**base_env, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def setting_value(name: str, **env: str) -> str:
    result = manage(
        "shell", "--no-imports", "-c", f"from django.conf import settings; print(settings.{name})", **env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.embedded
@pytest.mark.parametrize(
    ("env", "named", "expected"),
    [
        ({"DEBUG": "maybe"}, "DEBUG", "true or false"),
        ({"DEBUG": "false"}, "SECRET_KEY", "required when DEBUG is off"),
        ({"DATABASE_URL": "mysql://root@localhost/cine"}, "DATABASE_URL", "postgres://"),
        ({"REDIS_URL": "http://127.0.0.1:6379"}, "REDIS_URL", "redis://"),
        ({"GEMINI_MODEL": "ultra"}, "GEMINI_MODEL", "flash, pro"),
        ({"TIME_ZONE": "Mars/Olympus_Mons"}, "TIME_ZONE", "IANA zone"),
        ({"TMDB_BASE_URL": "api.themoviedb.org"}, "TMDB_BASE_URL", "http://"),
        ({"CSRF_TRUSTED_ORIGINS": "cinestream.example"}, "CSRF_TRUSTED_ORIGINS", "https://"),
        ({"SCRAPER_BROWSERS": "0"}, "SCRAPER_BROWSERS", ">= 1"),
        ({"SCRAPER_DELAY_SECONDS": "-1"}, "SCRAPER_DELAY_SECONDS", ">= 0"),
        ({"SCRAPER_DAILY_LANGUAGES": "uk,de"}, "SCRAPER_DAILY_LANGUAGES", "uk, en or ru"),
        ({"GEMINI_DAILY_COST_BUDGET_USD": "twenty"}, "GEMINI_DAILY_COST_BUDGET_USD", "decimal number"),
        ({"GEMINI_FLASH_INPUT_USD_PER_1M": "-1.5"}, "GEMINI_FLASH_INPUT_USD_PER_1M", ">= 0"),
        ({"GEMINI_MAX_PARALLEL_CALLS": "0"}, "GEMINI_MAX_PARALLEL_CALLS", ">= 1"),
        ({"GEMINI_RETRY_MAX_DELAY_SECONDS": "-5"}, "GEMINI_RETRY_MAX_DELAY_SECONDS", ">= 0"),
        ({"API_WRITE_RATE": "lots"}, "API_WRITE_RATE", "120/minute"),
        ({"API_WRITE_RATE": "10/fortnight"}, "API_WRITE_RATE", "second, minute, hour, day"),
        ({"API_CORS_ALLOWED_ORIGINS": "app.example"}, "API_CORS_ALLOWED_ORIGINS", "https://"),
        (
            {"DATABASE_CONN_MAX_AGE": "forever", "DATABASE_URL": "postgres://x@h/db"},
            "DATABASE_CONN_MAX_AGE",
            "whole",
        ),
    ],
)
def test_bad_environment_value_stops_startup_with_one_clear_line(env, named, expected):
    result = manage("check", **env)

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"CineStream configuration error: {named}:")
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.embedded
def test_embedded_mode_needs_no_service():
    assert setting_value("CHANNEL_LAYERS['default']['BACKEND']") == "channels.layers.InMemoryChannelLayer"
    assert setting_value("CELERY_TASK_ALWAYS_EAGER") == "True"
    assert setting_value("DATABASES['default']['ENGINE']") == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in setting_value("DATABASES['default']['OPTIONS']['init_command']")


@pytest.mark.embedded
def test_redis_url_switches_layer_cache_and_celery_to_redis():
    redis = {"REDIS_URL": "redis://127.0.0.1:6379/0"}

    assert setting_value("CHANNEL_LAYERS['default']['BACKEND']", **redis) == (
        "channels_redis.pubsub.RedisPubSubChannelLayer"
    )
    assert setting_value("CACHES['default']['BACKEND']", **redis) == (
        "django.core.cache.backends.redis.RedisCache"
    )
    assert setting_value("CELERY_TASK_ALWAYS_EAGER", **redis) == "False"
    assert setting_value("CELERY_BROKER_URL", **redis) == "redis://127.0.0.1:6379/0"


@pytest.mark.embedded
def test_google_api_key_wins_over_gemini_api_key_as_in_the_sdk():
    assert setting_value("GEMINI_API_KEY", GEMINI_API_KEY="gemini-key") == "gemini-key"
    assert setting_value("GEMINI_API_KEY", GEMINI_API_KEY="gemini-key", GOOGLE_API_KEY="google") == "google"


@pytest.mark.embedded
def test_gemini_model_choice_maps_to_model_ids_from_settings():
    assert setting_value("GEMINI_MODEL_ID") == "gemini-3.5-flash"
    assert (
        setting_value("GEMINI_MODEL_ID", GEMINI_MODEL="pro", GEMINI_PRO_MODEL_ID="gemini-9-pro")
        == "gemini-9-pro"
    )


@pytest.mark.embedded
def test_the_api_write_rate_and_cors_origins_come_from_the_environment():
    assert setting_value("API_WRITE_RATE") == "(120, 60)"
    assert setting_value("API_WRITE_RATE", API_WRITE_RATE="30/h") == "(30, 3600)"
    assert setting_value("CORS_ALLOW_ALL_ORIGINS") == "True"
    restricted = {"API_CORS_ALLOWED_ORIGINS": "https://app.example,http://localhost:3000"}
    assert setting_value("CORS_ALLOW_ALL_ORIGINS", **restricted) == "False"
    assert (
        setting_value("CORS_ALLOWED_ORIGINS", **restricted)
        == "['https://app.example', 'http://localhost:3000']"
    )


@pytest.mark.embedded
def test_check_deploy_reports_nothing_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_LIKE)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
