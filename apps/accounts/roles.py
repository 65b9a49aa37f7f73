"""Staff roles as groups with least privilege, kept in step with the code at every migrate.

- editor: the catalog (titles, people, genres…), nothing else;
- operator: scrapes and their circuits, Gemini and TMDB ledgers, cities and showtimes runs;
  memberships read-only (plans, subscriptions, payments, provider events: to answer a
  supporter's question; prices and perks are the admin's);
- admin: every permission (without being a superuser, so it shows in the audit trail as a
  person with a role, and can be taken away like any group).

A staff member gets a role by joining its group in the admin; the admin itself also asks
that they be staff and have passed TOTP (apps/accounts/admin_site.py).
"""

from typing import Any

from django.apps import AppConfig
from django.contrib.auth.models import Group, Permission

ALL_APPS = None
ROLES: dict[str, tuple[str, ...] | None] = {
    "editor": ("catalog",),
    "operator": ("scraping", "showtimes"),
    "admin": ALL_APPS,
}
# Apps a role may look at (the view permissions only) without changing anything.
ROLES_VIEW_ONLY: dict[str, tuple[str, ...]] = {"operator": ("memberships",)}


def staff_roles_sync(sender: AppConfig, **kwargs: Any) -> None:
    """post_migrate, once per app: each role's group gets exactly the app's permissions it should.

    Run per app (as Django creates each app's permissions on the same signal), so the groups
    are right whatever order the apps migrate in.
    """
    if kwargs.get("using", "default") != "default":
        return
    permissions = list(Permission.objects.filter(content_type__app_label=sender.label))
    if not permissions:
        return
    for name, app_labels in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        if app_labels is ALL_APPS or sender.label in app_labels:
            group.permissions.add(*permissions)
            continue
        group.permissions.remove(*permissions)
        if sender.label in ROLES_VIEW_ONLY.get(name, ()):
            group.permissions.add(*[p for p in permissions if p.codename.startswith("view_")])
