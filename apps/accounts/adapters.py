"""allauth's hooks: staff keep their TOTP."""

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator


class MfaAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # The admin refuses staff without TOTP; removing it would lock them out of it.
        if authenticator.type == Authenticator.Type.TOTP and authenticator.user.is_staff:
            return False
        return super().can_delete_authenticator(authenticator)
