"""The profile form: the language the site speaks, the home city, favourite genres, the weekly
trends e-mail."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.catalog.labels import genre_label
from apps.catalog.models import Genre
from apps.showtimes.models import Location


class GenreChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Genre) -> str:
        return genre_label(obj.name)


class ProfileForm(forms.ModelForm):
    home_city = forms.ModelChoiceField(
        queryset=Location.objects.order_by("city"),
        required=False,
        label=_("Home city"),
        empty_label=_("— none —"),
        help_text=_("The showtimes page opens here when you are signed in."),
    )
    favourite_genres = GenreChoiceField(
        queryset=Genre.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Favourite genres"),
    )

    class Meta:
        model = User
        fields = ["language", "home_city", "favourite_genres", "is_trends_report_on"]
        labels = {
            "language": _("Language"),
            "is_trends_report_on": _("E-mail me what's trending each week"),
        }
        help_texts = {
            "language": _("The site speaks it whenever you are signed in."),
            "is_trends_report_on": _(
                "The top 10 and the best of your favourite genres, on Monday morning "
                "(supporters get it on Sunday, a day early)."
            ),
        }


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password
