from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users, profiles, preferences and ratings."""

    name = "apps.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from apps.accounts import signals  # noqa: F401  (connects the sign-in receivers)
        from apps.accounts.roles import staff_roles_sync

        # After django.contrib.auth's own receiver (connected first) created the app's permissions.
        post_migrate.connect(staff_roles_sync, dispatch_uid="accounts_staff_roles")


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin whose site admits staff only after two-factor sign-in."""

    default = False  # named in INSTALLED_APPS; AccountsConfig stays this module's default
    default_site = "apps.accounts.admin_site.StaffAdminSite"
