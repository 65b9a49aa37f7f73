"""The Celery app: tasks autodiscovered from apps, configuration from CELERY_* settings."""

from celery import Celery
from django_structlog.celery.steps import DjangoStructLogInitStep

from cinestream.startup import settings_load_or_exit

settings_load_or_exit()

app = Celery("cinestream")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.steps["worker"].add(DjangoStructLogInitStep)
app.autodiscover_tasks()
