"""Pages of logging in (password, then the second factor or its enrolment) and out, of one's
own account (password, two-step login, recovery codes), of the audit of authentication
(operators), of a partner's staff (partner administrators), and the operator's pages of users
and their roles. The session is the same signed token the API uses, kept in an HttpOnly
cookie (see cus_shared.web.security)."""

from __future__ import annotations

import base64
import re
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

import segno
from litestar import Controller, Request, Response, Router, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.security.jwt import Token
from pydantic import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from cus_shared import clock
from cus_shared.clock import POLAND
from cus_shared.errors import (
    AuthenticationError,
    ConflictError,
    DomainError,
    FieldProblem,
    NotFoundError,
)
from cus_shared.i18n.language import N_
from cus_shared.i18n.language import gettext as _
from cus_shared.identifiers.teryt import VOIVODESHIPS
from cus_shared.identity.audit import AuthEventKind, email_hash, record
from cus_shared.identity.guards import principal_of, require_roles
from cus_shared.identity.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    hash_password,
)
from cus_shared.identity.roles import Role, Scope
from cus_shared.identity.tokens import ALGORITHM, principal_from_token
from cus_shared.settings import Settings
from cus_shared.web.forms import FormErrors, error_status, form_errors, nest, parse_form, read_form
from cus_shared.web.labels import ROLE_NAMES, SCOPE_NAMES
from cus_shared.web.pages import notify, principal_or_none, render, safe_next
from cus_shared.web.security import SESSION_COOKIE, expired_session_cookie, session_cookie
from cus_tenants.agreements import service as agreements
from cus_tenants.dependencies import provide_shared_session
from cus_tenants.gminy import service as gminy
from cus_tenants.identity import mfa, partner_staff, service, throttle
from cus_tenants.identity.models import AuthEvent, RecoveryCode, User
from cus_tenants.identity.routes import client_address, security_session
from cus_tenants.identity.schemas import (
    LoginRequest,
    MembershipIn,
    PartnerStaffCreate,
    PasswordChange,
    UserCreate,
)
from cus_tenants.pages import errors_on_form

if TYPE_CHECKING:
    from collections.abc import Iterable

    from cus_tenants.identity.models import Membership


#: How long the second step of a login (code, enrolment) may take after the password.
PENDING_SECONDS = 10 * 60
#: Where the half-done login is kept: the browser session (encrypted, signed, HttpOnly
#: cookie); it holds the account's id, the step and its deadline, never the password.
_PENDING = "pending_login"

_LOGIN_FIELDS = ("email", "password")

#: What each event of the audit of authentication is called on the operators' page.
EVENT_NAMES: dict[str, str] = {
    AuthEventKind.LOGIN.value: N_("Logged in"),
    AuthEventKind.FAILURE.value: N_("Failed login"),
    AuthEventKind.LOCKOUT.value: N_("Login refused: waiting after failures"),
    AuthEventKind.MFA_FAILURE.value: N_("Wrong second-step code"),
    AuthEventKind.MFA_ENROLLED.value: N_("Two-step login set up"),
    AuthEventKind.RECOVERY_CODE_USED.value: N_("Recovery code used"),
    AuthEventKind.LOGOUT.value: N_("Logged out"),
    AuthEventKind.REVOKED.value: N_("Sessions ended"),
    AuthEventKind.PASSWORD_CHANGED.value: N_("Password changed"),
    AuthEventKind.FORBIDDEN.value: N_("Access refused"),
    AuthEventKind.NOT_FOUND.value: N_("Access refused (not found)"),
}


def _settings(request: Request[Any, Any, Any]) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _pending(request: Request[Any, Any, Any]) -> dict[str, Any] | None:
    """The half-done login of this browser, while it is still valid."""
    stored = (
        request.session.get(_PENDING) if isinstance(request.scope.get("session"), dict) else None
    )
    if not isinstance(stored, dict) or stored.get("until", 0) < clock.now().timestamp():
        return None
    return stored


def _remember_pending(
    request: Request[Any, Any, Any], user: User, step: str, next_path: str
) -> None:
    request.session[_PENDING] = {
        "user": str(user.id),
        "step": step,
        "next": next_path,
        "until": int(clock.now().timestamp()) + PENDING_SECONDS,
    }


def _forget_pending(request: Request[Any, Any, Any]) -> None:
    if isinstance(request.scope.get("session"), dict):
        request.session.pop(_PENDING, None)


def _login_page(
    request: Request[Any, Any, Any],
    *,
    email: str = "",
    next_path: str = "/",
    errors: FormErrors | None = None,
    status_code: int = 200,
    retry_after: int | None = None,
) -> Template:
    page = render(
        request,
        "tenants/login.html",
        title=_("Log in"),
        errors=errors,
        status_code=status_code,
        email=email,
        next_path=next_path,
        expired=request.query_params.get("expired") == "1",
    )
    if retry_after is not None:
        page.headers["Retry-After"] = str(retry_after)
    return page


def _throttled(exc: throttle.LoginThrottledError) -> FormErrors:
    """The wait in words: how long, and until what time (Polish time)."""
    errors = form_errors(exc)
    until = (clock.now() + timedelta(seconds=exc.retry_after)).astimezone(POLAND)
    errors.summary.append((None, _("You can try again at %(time)s.", time=until.strftime("%H:%M"))))
    return errors


def _code_page(
    request: Request[Any, Any, Any],
    *,
    errors: FormErrors | None = None,
    status_code: int = 200,
    retry_after: int | None = None,
) -> Template:
    page = render(
        request,
        "tenants/identity/login_code.html",
        title=_("Log in: second step"),
        errors=errors,
        status_code=status_code,
        current_path="/login",
    )
    if retry_after is not None:
        page.headers["Retry-After"] = str(retry_after)
    return page


def _grouped(secret: str) -> str:
    """The secret in groups of four characters, easier to type."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _enrol_page(
    request: Request[Any, Any, Any],
    user: User,
    secret: str,
    *,
    action: str,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    """The secret as text and as a QR code (an image from a data: address, which the CSP
    allows), and the form confirming it with a first code."""
    uri = mfa.provisioning_uri(secret, user.email)
    return render(
        request,
        "tenants/identity/enrol.html",
        title=_("Set up two-step login"),
        errors=errors,
        status_code=status_code,
        secret=_grouped(secret),
        qr=segno.make(uri, error="m").svg_data_uri(scale=5, border=2),
        action=action,
        during_login=action == "/login",
        current_path="/login" if action == "/login" else "/account/mfa",
    )


def _codes_page(
    request: Request[Any, Any, Any], codes: list[str], *, next_path: str, title: str
) -> Template:
    return render(
        request,
        "tenants/identity/recovery_codes.html",
        title=title,
        codes=codes,
        next_path=next_path,
    )


def _address(request: Request[Any, Any, Any]) -> str:
    return client_address(request)


async def _pending_user(session: AsyncSession, pending: dict[str, Any]) -> User | None:
    try:
        user = await session.get(User, UUID(str(pending.get("user"))))
    except ValueError:
        return None
    return user if user is not None and user.is_active else None


async def _signed_in(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    user: User,
    methods: list[str],
    next_path: str,
) -> Response[Any]:
    """The session cookie, and on to the page the person wanted."""
    _forget_pending(request)
    token, _expires = await service.issue_session(
        session, user, methods=methods, address=_address(request)
    )
    return Redirect(
        path=next_path, status_code=303, cookies=[session_cookie(_settings(request), token)]
    )


class _LoginSteps(Controller):
    """Logging in (password, then the code or the enrolment of a second factor) and out. Every
    step is on /login: the step reached is kept in the browser session until it is done."""

    dependencies = {"session": Provide(provide_shared_session)}

    @get("/login", exclude_from_auth=True)
    async def login_form(
        self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]
    ) -> Response[Any]:
        """The login form, or the step of a login under way (people already logged in go to
        their start page)."""
        if principal_or_none(request) is not None:
            return Redirect(path="/", status_code=303)
        pending = _pending(request)
        user = await _pending_user(session, pending) if pending else None
        if pending and user is not None:
            if pending["step"] == "code":
                return _code_page(request)
            secret = mfa.pending_secret(_settings(request).auth, user)
            if secret is not None:
                return _enrol_page(request, user, secret, action="/login")
        _forget_pending(request)
        return _login_page(request, next_path=safe_next(request.query_params.get("next")))

    @post("/login", exclude_from_auth=True, status_code=303)
    async def login(
        self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]
    ) -> Response[Any]:
        """One step of logging in: ``step`` = password (default), code, enrol or cancel."""
        form = await read_form(request)
        step = form.get("step", "password")
        if step == "cancel":
            _forget_pending(request)
            return Redirect(path="/login", status_code=303)
        if step in ("code", "enrol"):
            pending = _pending(request)
            user = await _pending_user(session, pending) if pending else None
            if pending is None or user is None or pending["step"] != step:
                _forget_pending(request)
                notify(request, _("The login took too long. Please start again."), "info")
                return Redirect(path="/login", status_code=303)
            if step == "code":
                return await self._code_step(request, session, user, pending, form)
            return await self._enrol_step(request, session, user, pending, form)
        return await self._password_step(request, session, form)

    async def _password_step(
        self, request: Request[Any, Any, Any], session: AsyncSession, form: dict[str, str]
    ) -> Response[Any]:
        next_path = safe_next(form.get("next"))
        settings = _settings(request)
        try:
            credentials = parse_form(LoginRequest, {k: form.get(k, "") for k in _LOGIN_FIELDS})
            async with security_session(request) as security:
                user = await service.authenticate(
                    session,
                    credentials.email,
                    credentials.password,
                    security=security,
                    address=_address(request),
                )
        except throttle.LoginThrottledError as exc:
            return _login_page(
                request,
                email=form.get("email", ""),
                next_path=next_path,
                errors=_throttled(exc),
                status_code=429,
                retry_after=exc.retry_after,
            )
        except (ValidationError, AuthenticationError) as exc:
            return _login_page(
                request,
                email=form.get("email", ""),
                next_path=next_path,
                errors=form_errors(exc),
                status_code=400 if isinstance(exc, ValidationError) else 401,
            )
        if mfa.is_enrolled(user):
            _remember_pending(request, user, "code", next_path)
            return Redirect(path="/login", status_code=303)
        if settings.auth.mfa_required and service.must_use_mfa(user):
            if mfa.pending_secret(settings.auth, user) is None:
                mfa.start_enrolment(settings.auth, user)
            _remember_pending(request, user, "enrol", next_path)
            return Redirect(path="/login", status_code=303)
        return await _signed_in(request, session, user, ["pwd"], next_path)

    async def _code_step(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        user: User,
        pending: dict[str, Any],
        form: dict[str, str],
    ) -> Response[Any]:
        settings = _settings(request)
        address = _address(request)
        digest = email_hash(settings.auth.secret.get_secret_value(), user.email)
        keys = [throttle.account_key(digest), throttle.address_key(address or "-")]
        code = form.get("code", "")
        # Six digits (spaces allowed) are a code of the app; anything else a recovery code.
        is_totp = len(code.replace(" ", "")) == 6 and code.replace(" ", "").isdigit()
        try:
            async with security_session(request) as security:
                wait = await throttle.seconds_to_wait(security, keys)
                if wait:
                    raise throttle.LoginThrottledError(wait)
                if not code:
                    raise AuthenticationError("auth.mfa_invalid")
                methods = await service.second_factor(
                    session,
                    user,
                    totp=code if is_totp else None,
                    recovery_code=None if is_totp else code,
                    security=security,
                    address=address,
                    settings=settings,
                )
        except throttle.LoginThrottledError as exc:
            return _code_page(
                request, errors=_throttled(exc), status_code=429, retry_after=exc.retry_after
            )
        except AuthenticationError:
            problem = FieldProblem("code", "auth.mfa_invalid")
            return _code_page(request, errors=form_errors([problem]), status_code=401)
        return await _signed_in(request, session, user, methods, str(pending.get("next", "/")))

    async def _enrol_step(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        user: User,
        pending: dict[str, Any],
        form: dict[str, str],
    ) -> Response[Any]:
        settings = _settings(request)
        secret = mfa.pending_secret(settings.auth, user)
        if secret is None:
            _forget_pending(request)
            return Redirect(path="/login", status_code=303)
        codes = await mfa.confirm_enrolment(session, settings.auth, user, form.get("code", ""))
        if codes is None:
            problem = FieldProblem("code", "mfa.invalid_code")
            return _enrol_page(
                request,
                user,
                secret,
                action="/login",
                errors=form_errors([problem]),
                status_code=422,
            )
        await record(
            session, AuthEventKind.MFA_ENROLLED, user_id=user.id, address=_address(request)
        )
        _forget_pending(request)
        token, _expires = await service.issue_session(
            session, user, methods=["pwd", "otp"], address=_address(request)
        )
        page = _codes_page(
            request,
            codes,
            next_path=str(pending.get("next", "/")),
            title=_("Two-step login is set up"),
        )
        page.set_cookie(session_cookie(settings, token))
        return page

    @post("/logout", exclude_from_auth=True, status_code=303)
    async def logout(
        self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]
    ) -> Response[Any]:
        """End the page session: the token is refused by every service from now on, and the
        browser forgets the cookie."""
        settings = _settings(request)
        encoded = request.cookies.get(SESSION_COOKIE, "").split(" ")[-1]
        if encoded:
            try:
                token = Token.decode(encoded, settings.auth.secret.get_secret_value(), ALGORITHM)
            except NotAuthorizedException:
                token = None
            if token is not None:
                principal = principal_from_token(token)
                await service.end_sessions(
                    session, principal.user_id, reason="logout", session_id=principal.session_id
                )
        _forget_pending(request)
        notify(request, _("You have been logged out."), "info")
        return Redirect(path="/login", status_code=303, cookies=[expired_session_cookie(settings)])


async def _replace_recovery_codes(session: AsyncSession, user: User) -> list[str]:
    """Ten new recovery codes (shown once); the unused old ones stop working."""
    await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _index in range(mfa.RECOVERY_CODES):
        raw = base64.b32encode(secrets.token_bytes(10)).decode().lower()
        codes.append(f"{raw[:5]}-{raw[5:10]}-{raw[10:16]}")
    session.add_all(
        RecoveryCode(user_id=user.id, code_hash=hash_password(c.replace("-", ""))) for c in codes
    )
    await session.flush()
    return codes


class AccountPages(Controller):
    """The logged-in person's own account: password, two-step login, recovery codes, ending
    every session."""

    path = "/account"
    dependencies = {"session": Provide(provide_shared_session)}

    async def _page(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        *,
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Template:
        user = await service.get_user(session, principal_of(request).user_id)
        return render(
            request,
            "tenants/identity/account.html",
            title=_("Your account and security"),
            errors=errors,
            status_code=status_code,
            user=user,
            enrolled=mfa.is_enrolled(user),
            must_enrol=service.must_use_mfa(user),
            codes_left=await mfa.recovery_codes_left(session, user) if mfa.is_enrolled(user) else 0,
            min_password=MIN_PASSWORD_LENGTH,
            max_password=MAX_PASSWORD_LENGTH,
            current_path="/account",
        )

    @get("/", name="account")
    async def show(
        self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]
    ) -> Template:
        """The account page."""
        return await self._page(request, session)

    @post("/password", status_code=303)
    async def change_password(
        self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]
    ) -> Response[Any]:
        """Change one's password; every session ends, and the person logs in with the new one."""
        form = await read_form(request)
        try:
            data = parse_form(
                PasswordChange,
                {k: form.get(k, "") for k in ("current_password", "new_password")},
            )
            await service.change_password(
                session, principal_of(request).user_id, data.current_password, data.new_password
            )
        except (ValidationError, DomainError) as exc:
            return await self._page(
                request, session, errors=form_errors(exc), status_code=error_status(exc)
            )
        notify(request, _("Your password has been changed. Log in with the new password."))
        return Redirect(
            path="/login", status_code=303, cookies=[expired_session_cookie(_settings(request))]
        )

    @get("/mfa", name="account-mfa")
    async def enrol_form(
        self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]
    ) -> Response[Any]:
        """Set up two-step login (a new secret, until confirmed with a first code)."""
        settings = _settings(request)
        user = await service.get_user(session, principal_of(request).user_id)
        if mfa.is_enrolled(user):
            notify(request, _("Two-step login is already set up."), "info")
            return Redirect(path="/account", status_code=303)
        secret = mfa.pending_secret(settings.auth, user) or mfa.start_enrolment(settings.auth, user)
        return _enrol_page(request, user, secret, action="/account/mfa")

    @post("/mfa", status_code=303)
    async def enrol(
        self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]
    ) -> Response[Any]:
        """Confirm the secret with a first code: the recovery codes are shown once."""
        settings = _settings(request)
        user = await service.get_user(session, principal_of(request).user_id)
        secret = mfa.pending_secret(settings.auth, user)
        if secret is None:
            return Redirect(path="/account/mfa", status_code=303)
        form = await read_form(request)
        codes = await mfa.confirm_enrolment(session, settings.auth, user, form.get("code", ""))
        if codes is None:
            problem = FieldProblem("code", "mfa.invalid_code")
            return _enrol_page(
                request,
                user,
                secret,
                action="/account/mfa",
                errors=form_errors([problem]),
                status_code=422,
            )
        await record(
            session, AuthEventKind.MFA_ENROLLED, user_id=user.id, address=_address(request)
        )
        return _codes_page(
            request, codes, next_path="/account", title=_("Two-step login is set up")
        )

    @post("/recovery-codes", status_code=303)
    async def new_recovery_codes(
        self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]
    ) -> Response[Any]:
        """Ten new recovery codes, after a code from the authenticator app."""
        settings = _settings(request)
        user = await service.get_user(session, principal_of(request).user_id)
        form = await read_form(request)
        if not mfa.is_enrolled(user) or not mfa.check_code(
            settings.auth, user, form.get("code", "")
        ):
            problem = FieldProblem("code", "mfa.invalid_code")
            return await self._page(
                request, session, errors=form_errors([problem]), status_code=422
            )
        codes = await _replace_recovery_codes(session, user)
        return _codes_page(request, codes, next_path="/account", title=_("New recovery codes"))

    @post("/logout-everywhere", status_code=303)
    async def logout_everywhere(
        self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]
    ) -> Response[Any]:
        """End every session of the person, on every device, this one included."""
        await service.end_sessions(session, principal_of(request).user_id, reason="logout")
        notify(request, _("You have been logged out on every device."), "info")
        return Redirect(
            path="/login", status_code=303, cookies=[expired_session_cookie(_settings(request))]
        )


class AuthEventPages(Controller):
    """The audit of authentication, for operators: what happened and when, no personal data
    (no e-mail addresses, no client addresses)."""

    path = "/admin/auth-events"
    guards = [require_roles(Role.OPERATOR)]
    dependencies = {"session": Provide(provide_shared_session)}

    @get("/", name="admin-auth-events")
    async def events(
        self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]
    ) -> Template:
        """The latest 200 events, newest first."""
        rows = await session.scalars(
            select(AuthEvent).order_by(AuthEvent.occurred_at.desc()).limit(200)
        )
        return render(
            request,
            "tenants/identity/events.html",
            title=_("Sign-in events"),
            events=[
                {
                    "at": r.occurred_at.astimezone(POLAND).strftime("%Y-%m-%d %H:%M:%S"),
                    "kind": _(EVENT_NAMES[r.kind]) if r.kind in EVENT_NAMES else r.kind,
                    "account": r.user_id is not None,
                    "route": r.route or "",
                    "status": r.status or "",
                }
                for r in rows
            ],
        )


_STAFF_FIELDS = ("email", "display_name", "password")


class StaffPages(Controller):
    """A partner organisation's administrator manages its staff accounts."""

    path = "/staff"
    guards = [require_roles(Role.PARTNER_ADMIN)]
    dependencies = {"session": Provide(provide_shared_session)}

    async def _page(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        *,
        values: dict[str, str] | None = None,
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Template:
        principal = principal_of(request)
        return render(
            request,
            "tenants/identity/staff.html",
            title=_("Staff of your organisation"),
            errors=errors,
            status_code=status_code,
            staff=await partner_staff.staff_of(session, principal),
            me=principal.user_id,
            organisations=[
                principal.partner_names.get(p, p)
                for p in partner_staff.administered_partners(principal)
            ],
            values={**(values or dict.fromkeys(_STAFF_FIELDS, "")), "password": ""},
            min_password=MIN_PASSWORD_LENGTH,
            current_path="/staff",
        )

    @get("/", name="partner-staff")
    async def list_staff(
        self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]
    ) -> Template:
        """The organisation's accounts and the form adding one."""
        return await self._page(request, session)

    @post("/", status_code=303)
    async def create(
        self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]
    ) -> Response[Any]:
        """A new staff account (partner staff role in the administrator's organisation)."""
        form = await read_form(request)
        values = {k: form.get(k, "") for k in _STAFF_FIELDS}
        try:
            data = PartnerStaffCreate.model_validate(nest(values))
            user = await partner_staff.create_staff(session, principal_of(request), data)
        except (ValidationError, DomainError) as exc:
            return await self._page(
                request,
                session,
                values=values,
                errors=errors_on_form(exc, lambda p: p),
                status_code=error_status(exc),
            )
        notify(request, _("Account created: %(name)s.", name=user.display_name))
        return Redirect(path="/staff", status_code=303)

    @post("/{user_id:str}/disable", status_code=303)
    async def disable(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        user_id: FromPath[str],
    ) -> Response[Any]:
        """Disable a staff account: its sessions end at once."""
        try:
            user = await partner_staff.disable_staff(
                session, principal_of(request), _user_key(user_id)
            )
        except ConflictError as exc:
            return await self._page(
                request, session, errors=form_errors(exc), status_code=exc.status_code
            )
        notify(
            request, _("Account disabled: %(name)s can no longer log in.", name=user.display_name)
        )
        return Redirect(path="/staff", status_code=303)

    @post("/{user_id:str}/enable", status_code=303)
    async def enable(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        user_id: FromPath[str],
    ) -> Response[Any]:
        """Enable a staff account again."""
        user = await partner_staff.enable_staff(session, principal_of(request), _user_key(user_id))
        notify(request, _("Account enabled: %(name)s can log in again.", name=user.display_name))
        return Redirect(path="/staff", status_code=303)


#: Every page of this context outside the operator's users (mounted by cus_tenants.pages).
LoginPages = Router(
    path="/", route_handlers=[_LoginSteps, AccountPages, AuthEventPages, StaffPages]
)


_USER_FIELDS = ("email", "display_name", "password", "role", "scope", "scope_id")
#: The API names the one membership of the form ``memberships.0.role`` (pydantic) or
#: ``memberships[0].scope_id`` (the service); the form calls it ``role``, ``scope_id``.
_MEMBERSHIP_FIELD = re.compile(r"^memberships(?:\.0|\[0\])(?:\.(?P<part>\w+))?$")


def _named_roles(problem: FieldProblem) -> FieldProblem:
    """The problem "this role cannot be held in this scope" with both named as people read
    them rather than by their codes; any other problem as it is."""
    if problem.key != "membership.scope_role":
        return problem
    params = dict(problem.params)
    if str(params.get("role")) in ROLE_NAMES:
        params["role"] = _(ROLE_NAMES[str(params["role"])])
    if str(params.get("scope")) in SCOPE_NAMES:
        params["scope"] = _(SCOPE_NAMES[str(params["scope"])])
    return FieldProblem(field=problem.field, key=problem.key, params=params)


def _user_form_field(problem: FieldProblem) -> FieldProblem:
    """The form's field for a problem the API reports about a user."""
    found = _MEMBERSHIP_FIELD.match(problem.field)
    if found is None:
        return problem
    # "This role cannot be held in this scope" (the membership as a whole): shown at the scope.
    field = found["part"] or "scope"
    return _named_roles(FieldProblem(field=field, key=problem.key, params=problem.params))


async def scope_names(session: AsyncSession, memberships: Iterable[Membership]) -> dict[str, str]:
    """What each membership's scope is called (gmina and agreement names, voivodeships),
    keyed ``scope:scope_id``; a scope without a name here is shown by its id."""
    held = list(memberships)
    named: dict[str, str] = {}
    teryts = [m.scope_id for m in held if m.scope == Scope.GMINA.value]
    for teryt, name in (await gminy.gmina_names(session, teryts)).items():
        named[f"gmina:{teryt}"] = f"{name} ({teryt})"
    ids: list[UUID] = []
    for m in held:
        if m.scope == Scope.AGREEMENT.value:
            try:
                ids.append(UUID(m.scope_id))
            except ValueError:
                continue
    for agreement_id, name in (await agreements.agreement_names(session, ids)).items():
        named[f"agreement:{agreement_id}"] = name
    for m in held:
        if m.scope == Scope.REGION.value and m.scope_id in VOIVODESHIPS:
            named[f"region:{m.scope_id}"] = f"{VOIVODESHIPS[m.scope_id]} ({m.scope_id})"
    return named


def _new_user_page(
    request: Request[Any, Any, Any],
    values: dict[str, str],
    *,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    return render(
        request,
        "tenants/users/new.html",
        title=_("Create a user"),
        errors=errors,
        status_code=status_code,
        # What was typed comes back, except the password.
        values={**values, "password": ""},
        role_labels=ROLE_NAMES,
        scope_labels=SCOPE_NAMES,
        min_password=MIN_PASSWORD_LENGTH,
    )


_MEMBERSHIP_FIELDS = ("role", "scope", "scope_id")


def _user_key(user_id: str) -> UUID:
    """A user's id from the path; anything else is a page that does not exist."""
    try:
        return UUID(user_id)
    except ValueError:
        raise NotFoundError("not_found") from None


async def _user_page(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    user: User,
    *,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    """A user's page: facts, account status, roles, and the form to grant one more."""
    settings: Settings = request.app.state.settings
    return render(
        request,
        "tenants/users/detail.html",
        title=user.display_name,
        errors=errors,
        status_code=status_code,
        user=user,
        is_self=user.id == principal_of(request).user_id,
        values=values or dict.fromkeys(_MEMBERSHIP_FIELDS, ""),
        role_labels=ROLE_NAMES,
        scope_labels=SCOPE_NAMES,
        scope_names=await scope_names(session, user.memberships),
        token_minutes=settings.auth.token_minutes,
        absolute_hours=settings.web.absolute_hours,
        enrolled=mfa.is_enrolled(user),
        # A form answered with its problems is shown at the address it was sent to, which has
        # no page of its own: choosing a language there comes back to the user's page.
        current_path=f"/admin/users/{user.id}",
    )


class UserPages(Controller):
    """Users and the roles they hold, for the platform operator."""

    path = "/admin/users"
    guards = [require_roles(Role.OPERATOR)]
    dependencies = {"session": Provide(provide_shared_session)}

    @get("/", name="admin-users")
    async def users(
        self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]
    ) -> Template:
        """Every user with the roles they hold."""
        rows = await service.list_users(session)
        return render(
            request,
            "tenants/users/list.html",
            title=_("Users"),
            users=rows,
            role_labels=ROLE_NAMES,
            scope_labels=SCOPE_NAMES,
            scope_names=await scope_names(session, (m for u in rows for m in u.memberships)),
        )

    @get("/new", name="admin-user-new")
    async def new_user(self, request: Request[Any, Any, Any]) -> Template:
        """The form to create a user with one role."""
        return _new_user_page(request, dict.fromkeys(_USER_FIELDS, ""))

    @post("/new", status_code=303)
    async def create(
        self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]
    ) -> Response[Any]:
        """Create the user with the role given, as the API does."""
        form = await read_form(request)
        values = {name: form.get(name, "") for name in _USER_FIELDS}
        submitted = nest({name: values[name] for name in ("email", "display_name", "password")})
        submitted["memberships"] = [
            nest({name: values[name] for name in ("role", "scope", "scope_id")})
        ]
        try:
            user = await service.create_user(session, UserCreate.model_validate(submitted))
        except (ValidationError, DomainError) as exc:
            return _new_user_page(
                request,
                values,
                errors=errors_on_form(exc, _user_form_field),
                status_code=error_status(exc),
            )
        notify(request, _("Account created: %(name)s.", name=user.display_name))
        return Redirect(path=f"/admin/users/{user.id}", status_code=303)

    @get("/{user_id:str}", name="admin-user")
    async def show(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        user_id: FromPath[str],
    ) -> Template:
        """A user, the roles they hold and the forms to change them and the account (never
        their password or its hash)."""
        user = await service.get_user(session, _user_key(user_id))
        return await _user_page(request, session, user)

    @post("/{user_id:str}/memberships", status_code=303)
    async def add_membership(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        user_id: FromPath[str],
    ) -> Response[Any]:
        """Grant the user one more role, as the API does."""
        user = await service.get_user(session, _user_key(user_id))
        form = await read_form(request)
        values = {name: form.get(name, "") for name in _MEMBERSHIP_FIELDS}
        try:
            data = MembershipIn.model_validate(nest(values))
            await service.add_membership(session, user.id, data)
        except (ValidationError, DomainError) as exc:
            return await _user_page(
                request,
                session,
                user,
                values=values,
                errors=errors_on_form(exc, _named_roles),
                status_code=error_status(exc),
            )
        notify(request, _("Role granted: %(role)s.", role=_(ROLE_NAMES[data.role.value])))
        return Redirect(path=f"/admin/users/{user.id}", status_code=303)

    @post("/{user_id:str}/memberships/{membership_id:str}/remove", status_code=303)
    async def remove_membership(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        user_id: FromPath[str],
        membership_id: FromPath[str],
    ) -> Response[Any]:
        """Take one role from the user (the last active operator keeps theirs)."""
        user = await service.get_user(session, _user_key(user_id))
        removed = next((m for m in user.memberships if str(m.id) == membership_id), None)
        if removed is None:
            raise NotFoundError("not_found")
        role = _(ROLE_NAMES.get(removed.role, removed.role))
        try:
            await service.remove_membership(session, user.id, removed.id)
        except ConflictError as exc:
            return await _user_page(
                request, session, user, errors=form_errors(exc), status_code=exc.status_code
            )
        notify(request, _("Role removed: %(role)s.", role=role))
        return Redirect(path=f"/admin/users/{user.id}", status_code=303)

    @post("/{user_id:str}/disable", status_code=303)
    async def disable(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        user_id: FromPath[str],
    ) -> Response[Any]:
        """Disable the account: logging in is refused from now on (not one's own account, nor
        the last active operator's). The person's open sessions end at once."""
        user = await service.get_user(session, _user_key(user_id))
        try:
            await service.disable_user(session, user.id, actor=principal_of(request).user_id)
        except ConflictError as exc:
            return await _user_page(
                request, session, user, errors=form_errors(exc), status_code=exc.status_code
            )
        notify(
            request, _("Account disabled: %(name)s can no longer log in.", name=user.display_name)
        )
        return Redirect(path=f"/admin/users/{user.id}", status_code=303)

    @post("/{user_id:str}/mfa-reset", status_code=303)
    async def reset_mfa(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        user_id: FromPath[str],
    ) -> Response[Any]:
        """Take away a person's second factor (lost phone and recovery codes): their sessions
        end, and they set it up again at their next login."""
        user = await service.get_user(session, _user_key(user_id))
        user.totp_secret = None
        user.totp_confirmed_at = None
        user.totp_last_step = None
        await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
        await session.flush()
        await service.end_sessions(session, user.id, reason="mfa_reset")
        notify(
            request,
            _(
                "Two-step login reset: %(name)s sets it up again at the next login.",
                name=user.display_name,
            ),
        )
        return Redirect(path=f"/admin/users/{user.id}", status_code=303)

    @post("/{user_id:str}/enable", status_code=303)
    async def enable(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        user_id: FromPath[str],
    ) -> Response[Any]:
        """Enable the account again."""
        user = await service.enable_user(session, _user_key(user_id))
        notify(request, _("Account enabled: %(name)s can log in again.", name=user.display_name))
        return Redirect(path=f"/admin/users/{user.id}", status_code=303)
