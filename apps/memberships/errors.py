"""What the memberships services refuse; pages show the message, the API maps the status."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class MembershipError(DomainError):
    code = "membership_error"


class PlanUnavailable(MembershipError):
    code = "plan_unavailable"
    http_status = 404


class ProviderNotConfigured(MembershipError):
    code = "provider_not_configured"
    http_status = 404


class DonationAmountInvalid(MembershipError):
    code = "donation_amount_invalid"


class CheckoutNotStarted(MembershipError):
    """The provider refused or could not be reached; nothing was charged."""

    code = "checkout_not_started"
    http_status = 502


class ApiKeyInvalid(DomainError):
    code = "api_key_invalid"
    http_status = 401

    def __init__(self) -> None:
        super().__init__(_("This API key is unknown or revoked."))
