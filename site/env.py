"""Reading the environment: every bad or missing variable is one clear message naming it."""

import os
import secrets
from pathlib import Path

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class EnvError(Exception):
    """A configuration variable is missing or wrong; the message names it."""

    def __init__(self, name: str, problem: str):
        self.name = name
        super().__init__(f"Configuration error: environment variable {name} {problem}.")


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str:
    value = os.environ.get(name)
    if value is None or (required and not value.strip()):
        if required:
            raise EnvError(name, "is required but not set")
        return default if default is not None else ""
    return value.strip()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise EnvError(name, f"must be a yes/no value (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        return int(value)
    except ValueError:
        raise EnvError(name, f"must be a whole number, not {value!r}") from None


def env_float(name: str, default: float, *, minimum: float = 0.0) -> float:
    """A number of seconds or the like; must be above ``minimum`` (a timeout of 0 would mean "wait forever")."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        number = float(value)
    except ValueError:
        raise EnvError(name, f"must be a number, not {value!r}") from None
    if not number > minimum:
        raise EnvError(name, f"must be greater than {minimum:g}, not {value!r}")
    return number


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default) or default
    if value not in choices:
        raise EnvError(name, f"must be one of {', '.join(choices)}, not {value!r}")
    return value


def env_list(name: str, default: list[str] | None = None, *, required: bool = False) -> list[str]:
    value = env_str(name, None, required=required)
    if not value:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def load_dev_secret_key(var_dir: Path) -> str:
    """A random key kept under var/ so that sessions survive restarts of the embedded mode."""
    path = var_dir / "secret_key.txt"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        var_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key


def redis_db_url(url: str, db: int) -> str:
    """The same Redis server, another database: redis://host:6379/0 → redis://host:6379/<db>."""
    from urllib.parse import urlsplit, urlunsplit

    return urlunsplit(urlsplit(url)._replace(path=f"/{db}"))


def next_redis_db(url: str) -> str:
    """redis://host:6379/0 → redis://host:6379/1: a second database on the same server."""
    from urllib.parse import urlsplit

    try:
        db = int(urlsplit(url).path.strip("/") or 0)
    except ValueError:
        raise EnvError("REDIS_URL", f"has a database number that is not a number ({urlsplit(url).path!r})") from None
    return redis_db_url(url, db + 1)


def env_base_url(name: str, default: str) -> str:
    """The site's public address (scheme and host, no path): what absolute links in e-mails start with."""
    from urllib.parse import urlsplit

    value = env_str(name, "") or default
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        parts = None
    if (parts is None or parts.scheme not in ("http", "https") or not parts.hostname or parts.path.strip("/")
            or parts.query or parts.fragment or parts.username):
        raise EnvError(name, f"must be the site's address such as https://relais.example.org, not {value!r}")
    return f"{parts.scheme}://{parts.netloc}"
