"""Personal API keys: made by supporters on the billing page, shown once, stored as a hash.

A key is `cs_<prefix>_<secret>`: the prefix (public, shown on the billing page) names it, the
secret is 32 random bytes. Only SHA-256 of the whole key is stored; with that much entropy a
plain hash is as good as a slow one, and it lets the API find a key with one indexed read.
"""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from apps.analytics.services import audit_record

from .errors import MembershipError
from .models import ApiKey
from .perks import perks_for

KEYS_PER_USER_MAX = 5


class ApiKeyNotAllowed(MembershipError):
    code = "api_key_not_allowed"
    http_status = 403


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_key_create(*, user) -> tuple[ApiKey, str]:
    """A new key for a user whose plan gives one; returns the row and the key, shown once."""
    if not perks_for(user).api_key:
        raise ApiKeyNotAllowed("your plan has no API key")
    with transaction.atomic():
        if ApiKey.objects.filter(user=user, revoked_at__isnull=True).count() >= KEYS_PER_USER_MAX:
            raise ApiKeyNotAllowed(f"at most {KEYS_PER_USER_MAX} keys")
        prefix = secrets.token_hex(4)
        key = f"cs_{prefix}_{secrets.token_urlsafe(32)}"
        row = ApiKey.objects.create(user=user, prefix=prefix, secret_hash=_hash(key))
        audit_record(action="membership.api_key.created", actor=user, target=row)
    return row, key


def api_key_revoke(*, user, key_id: int) -> None:
    with transaction.atomic():
        row = ApiKey.objects.select_for_update().filter(user=user, pk=key_id, revoked_at__isnull=True).first()
        if row is None:
            return
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
        audit_record(action="membership.api_key.revoked", actor=user, target=row)


def api_key_find(*, key: str) -> ApiKey | None:
    """The live key this string is, with its user; None for an unknown or revoked one."""
    if not key.startswith("cs_") or len(key) > 128:
        return None
    return (
        ApiKey.objects.select_related("user")
        .filter(secret_hash=_hash(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
