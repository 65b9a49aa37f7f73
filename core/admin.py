"""What every app's admin shares."""

from django.db import models

# A URL typed without a scheme becomes https://…, as Django 6 will do; Django 5 assumes http
# and warns on every form built with the old default.
HTTPS_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}
