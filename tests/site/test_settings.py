"""The two run modes come from environment variables only, and bad ones are one clear message."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "RELAIS_ENV": "production",
    "SECRET_KEY": "x" * 20 + "-a-long-and-random-production-secret-key-0123456789",
    "ALLOWED_HOSTS": "relais.example.org",
    "DATABASE_URL": "postgres://relais:secret@db.internal:5432/relais",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "ELASTICSEARCH_URL": "http://search.internal:9200",
    "EMAIL_HOST": "smtp.example.org",
    "RELAIS_BASE_URL": "https://relais.example.org",
}


def run_manage(*args, env_extra=None, tmp_path=None):
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL", "SECRET_KEY", "RELAIS_ENV", "EMAIL_HOST",
                        "DJANGO_SETTINGS_MODULE", "RELAIS_DEBUG", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE",
                        "RELAIS_BASE_URL"}}
    if tmp_path is not None:
        env["RELAIS_VAR_DIR"] = str(tmp_path)
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_embedded_default_uses_sqlite_memory_layer_and_database_search(tmp_path):
    code = ("from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], "
            "s.CHANNEL_LAYERS['default']['BACKEND'], s.RELAIS_SEARCH['BACKEND'], s.EMAIL_BACKEND, s.DEBUG, "
            "s.DATABASES['default']['NAME'])")
    result = run_manage("shell", "--no-imports", "-c", code, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    engine, layer, search, email, debug, name = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert name.startswith(str(tmp_path))
    assert layer == "channels.layers.InMemoryChannelLayer"
    assert search == "database"
    assert email == "django.core.mail.backends.console.EmailBackend"
    assert debug == "False"
    # The generated dev secret key is kept for the next start.
    assert (tmp_path / "secret_key.txt").read_text().strip()


def test_debug_only_when_asked(tmp_path):
    result = run_manage("shell", "--no-imports", "-c", "from django.conf import settings; print(settings.DEBUG)",
                        env_extra={"RELAIS_DEBUG": "1"}, tmp_path=tmp_path)
    assert result.stdout.strip() == "True"


def test_production_variables_select_postgres_redis_elasticsearch_smtp(tmp_path):
    code = ("from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], "
            "s.CHANNEL_LAYERS['default']['BACKEND'], s.RELAIS_SEARCH['BACKEND'], s.EMAIL_BACKEND, "
            "s.DATABASES['default']['CONN_MAX_AGE'], repr(s.DATABASES['default']['OPTIONS']['options']))")
    result = run_manage("shell", "--no-imports", "-c", code, env_extra=PROD_ENV, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "channels_redis.core.RedisChannelLayer",
        "elasticsearch",
        "django.core.mail.backends.smtp.EmailBackend",
        "60",  # a WSGI worker keeps its connection a minute (relais.asgi closes them under Daphne)
        "'-c", "jit=off'",
    ]


def test_check_deploy_is_silent_with_production_variables(tmp_path):
    result = run_manage("check", "--deploy", env_extra=PROD_ENV, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "WARNINGS" not in result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "missing",
    ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "EMAIL_HOST", "RELAIS_BASE_URL"],
)
def test_production_without_a_required_variable_is_a_clear_error(tmp_path, missing):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = run_manage("check", env_extra=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert f"environment variable {missing} " in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [("RELAIS_DEBUG", "maybe"), ("RELAIS_ENV", "staging"), ("DATABASE_URL", "notaurl://"),
     ("RELAIS_PROXY_COUNT", "-1"), ("RELAIS_TRUSTED_PROXIES", "10.0.0.1,le-proxy"),
     ("RELAIS_BASE_URL", "relais.example.org")],
)
def test_a_wrong_value_names_its_variable(tmp_path, name, value):
    result = run_manage("check", env_extra={name: value}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert f"environment variable {name} " in result.stderr
    assert "Traceback" not in result.stderr


def test_short_production_secret_key_is_refused(tmp_path):
    result = run_manage("check", env_extra={**PROD_ENV, "SECRET_KEY": "short"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50 characters" in result.stderr


def test_production_links_come_from_the_base_url_and_feed_wagtail(tmp_path):
    code = "from django.conf import settings as s; print(s.RELAIS_BASE_URL, s.WAGTAILADMIN_BASE_URL)"
    env = {**PROD_ENV, "RELAIS_BASE_URL": "https://relais.example.org/"}
    result = run_manage("shell", "--no-imports", "-c", code, env_extra=env, tmp_path=tmp_path)
    assert result.stdout.split() == ["https://relais.example.org"] * 2, result.stderr
    guessed = run_manage("check", env_extra={k: v for k, v in PROD_ENV.items() if k != "RELAIS_BASE_URL"},
                         tmp_path=tmp_path)
    assert "environment variable RELAIS_BASE_URL is required" in guessed.stderr


def test_tasks_run_at_once_by_default_and_in_a_database_worker_in_production(tmp_path):
    code = ("from django.conf import settings as s; print(s.TASKS['default']['BACKEND'], "
            "s.RELAIS_SEARCH['TIMEOUT'], s.RELAIS_SEARCH['INDEX_TIMEOUT'], s.EMAIL_TIMEOUT)")
    embedded = run_manage("shell", "--no-imports", "-c", code, tmp_path=tmp_path)
    assert embedded.returncode == 0, embedded.stderr
    assert embedded.stdout.split() == ["django_tasks.backends.immediate.ImmediateBackend", "2.0", "2.0", "5.0"]
    production = run_manage("shell", "--no-imports", "-c", code, env_extra=PROD_ENV, tmp_path=tmp_path)
    assert production.returncode == 0, production.stderr
    # In the worker, index updates and SMTP may take their time; a visitor's search still gives up after 2 s.
    assert production.stdout.split() == ["django_tasks_db.DatabaseBackend", "2.0", "30.0", "30.0"]
    chosen = run_manage("shell", "--no-imports", "-c", code, tmp_path=tmp_path, env_extra={
        **PROD_ENV, "RELAIS_TASKS_BACKEND": "immediate", "RELAIS_SEARCH_TIMEOUT": "0.5", "EMAIL_TIMEOUT": "8"})
    assert chosen.returncode == 0, chosen.stderr
    assert chosen.stdout.split() == ["django_tasks.backends.immediate.ImmediateBackend", "0.5", "2.0", "8.0"]


@pytest.mark.parametrize(
    ("name", "value"),
    [("RELAIS_TASKS_BACKEND", "celery"), ("RELAIS_SEARCH_TIMEOUT", "0"), ("RELAIS_SEARCH_TIMEOUT", "vite"),
     ("EMAIL_TIMEOUT", "-1")],
)
def test_a_wrong_task_or_timeout_value_names_its_variable(tmp_path, name, value):
    result = run_manage("check", env_extra={name: value}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert f"environment variable {name} " in result.stderr
    assert "Traceback" not in result.stderr
