"""People for tests: verified accounts, TOTP as an authenticator app computes it, staff sessions."""

import base64
import hashlib
import hmac
import struct
import time

import redis
from allauth.account.internal.flows.login import record_authentication
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core.cache import cache
from django.test import Client, RequestFactory

from apps.accounts.models import User

PASSWORD = "Kyiv-cinema-2026!"


def user_create(email: str = "olena@example.com", *, password: str = PASSWORD, **fields: object) -> User:
    """An account whose e-mail address is verified, as after following the sign-up link."""
    user = User.objects.create_user(email, password, **fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def totp_activate(user: User) -> str:
    """Give the account an authenticator app; returns the base32 secret the app would store."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The 6 digits an authenticator app shows now (RFC 6238: HMAC-SHA1, 30 s steps)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def client_signed_in_with_totp(client: Client, user: User) -> Client:
    """A client whose session signed in and passed two-factor, without the pages' round trips
    (the pages themselves are tested in tests/accounts/test_staff_totp.py)."""
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    request = RequestFactory().get("/")
    request.session = client.session
    record_authentication(request, user, "mfa", type="totp")
    request.session.save()
    return client


def allauth_cache_reset() -> None:
    """Forget allauth's rate-limit counts and used TOTP codes, which live in the cache and so
    outlive a test in Redis; only allauth's keys, as other tests share that Redis."""
    if not settings.REDIS_URL:
        cache.clear()
        return
    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = list(client.scan_iter(match="*allauth*", count=1000))
    if keys:
        client.delete(*keys)
