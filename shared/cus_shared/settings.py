"""Typed configuration read from the environment (prefix ``CUS_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class DatabaseSettings(BaseSettings):
    """Where PostgreSQL is and how the services connect to it."""

    model_config = SettingsConfigDict(env_prefix="CUS_DATABASE_", extra="ignore")

    url: str | None = Field(
        default=None,
        description=(
            "Administrative URL (migrations, provisioning). Unset: an embedded PostgreSQL "
            "is started in data_dir."
        ),
    )
    app_url: str | None = Field(
        default=None,
        description=(
            "Runtime URL of the login role the services use. Unset: derived from url with "
            "the user app_role and password app_password."
        ),
    )
    app_role: str = "cus_app"
    app_password: SecretStr = SecretStr("cus_app_dev_password")
    data_dir: Path = Path(".cus/pgdata")
    pool_size: int = 10
    max_overflow: int = 10
    # Every tenant a pooled connection touches leaves its table metadata in that backend's
    # catalogue cache; recycling bounds that memory (ARCHITECTURE: catalogue size).
    pool_recycle_seconds: int = 900
    statement_cache_size: int = 500
    #: ``pgbouncer``: connections go through a transaction-pooling PgBouncer (before 1.21,
    #: which keeps no prepared statements across server connections), so the engines prepare
    #: nothing that outlives its transaction (statement caches off, statement_cache_size
    #: ignored). ``none``: a direct connection or a session-pooling proxy.
    pooler: Literal["none", "pgbouncer"] = "none"
    lock_timeout_ms: int = 5000
    migration_concurrency: int = 4
    # Failing fast while PostgreSQL is away (README, "Outages"): a request that cannot get a
    # connection answers 503 with Retry-After instead of hanging until the client gives up.
    #: Seconds to open a connection (asyncpg's default is 60: a silent host would hold every
    #: request that long).
    connect_timeout_seconds: float = 5.0
    #: Seconds a request waits for a free pooled connection before answering 503.
    pool_timeout_seconds: float = 10.0
    #: Check each pooled connection before use (one round trip per request). Off: after a
    #: restart the first request meeting a dead connection answers 503 and SQLAlchemy drops
    #: every older pooled connection at once.
    pool_pre_ping: bool = False
    #: Client-side limit for one statement on the runtime engine, for a host that stops
    #: answering without closing connections (None: no limit; the administrative engine never
    #: has one, migrations may be long).
    command_timeout_seconds: float | None = 30.0


class AuthSettings(BaseSettings):
    """Signing of short-lived access tokens."""

    model_config = SettingsConfigDict(env_prefix="CUS_AUTH_", extra="ignore")

    secret: SecretStr = SecretStr("dev-only-secret-change-me-in-production-0123456789")
    token_minutes: int = 15
    issuer: str = "cus-tenants"
    #: Holders of roles that reach personal data must enrol a second factor (TOTP) before
    #: they get a session (the login page leads them through it). Enrolled people are always
    #: asked for their code. ``cus demo`` turns it off unless set (see cus_shared.cli).
    mfa_required: bool = True
    #: Consecutive failed logins of one account before it must wait (1, 2, 4… minutes).
    account_failure_limit: int = 5
    #: Failed logins from one client address (without a pause of an hour) before it must wait.
    address_failure_limit: int = 50
    #: The longest wait a lockout imposes, so nobody can lock someone else out for long.
    lockout_max_minutes: int = 15
    #: How often each process re-reads ended sessions (revocations), in seconds.
    revocation_refresh_seconds: float = 2.0


class WebSettings(BaseSettings):
    """The web pages: cookies and sessions of people using a browser."""

    model_config = SettingsConfigDict(env_prefix="CUS_WEB_", extra="ignore")

    # Browsers treat http://localhost and 127.0.0.1 as secure, so Secure cookies work in
    # development too; turn this off only behind plain HTTP on another host (never in production).
    cookie_secure: bool = True
    #: A page session ends after CUS_AUTH_TOKEN_MINUTES without a request (its token is renewed
    #: while the person works) and after this many hours in any case.
    absolute_hours: int = 10


class Settings(BaseSettings):
    """Platform settings; nested groups have their own prefixes."""

    model_config = SettingsConfigDict(env_prefix="CUS_", extra="ignore")

    environment: str = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    service_name: str = "cus"
    log_json: bool = False
    max_request_body_bytes: int = 64 * 1024
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    web: WebSettings = Field(default_factory=WebSettings)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
