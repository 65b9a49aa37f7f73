"""Where a perk's limit sends people: the plans page, which apps/memberships serves.

Accounts do not reverse the memberships app's URL names, so the features built against the
perks contract link the page by its path, set here once (under the deployment's prefix).
"""

from django.urls import get_script_prefix
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

PLANS_PATH = "memberships/"


def plans_url() -> str:
    return get_script_prefix() + PLANS_PATH


def limit_notice(message: str) -> SafeString:
    """A limit's message with the link to the plans, for the messages framework (which keeps
    the safe string through its storage) and for pages."""
    return format_html(
        '{} <a href="{}" data-testid="plans-link">{}</a>', message, plans_url(), _("See the plans")
    )
