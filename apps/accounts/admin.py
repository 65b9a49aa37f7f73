"""Admin for the accounts app: people (by e-mail), their saved cities and their marks on titles."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import SavedCity, User


class UserCreateForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class SavedCityInline(admin.TabularInline):
    """The person's saved cities, read-only: people choose them (apps/accounts/saved_cities.py)."""

    model = SavedCity
    extra = 0
    fields = ["location", "created_at"]
    readonly_fields = ["location", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreateForm
    form = UserEditForm
    ordering = ["email"]
    list_display = ["email", "is_staff", "is_active", "date_joined", "last_login"]
    search_fields = ["email"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Preferences"),
            {"fields": ("language", "home_city", "favourite_genres", "is_trends_report_on")},
        ),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "usable_password", "password1", "password2")}),
    )
    autocomplete_fields = ["home_city"]
    filter_horizontal = ["favourite_genres", "groups", "user_permissions"]

    def get_inlines(self, request, obj):
        return [SavedCityInline] if obj is not None else []  # a person being added has none
