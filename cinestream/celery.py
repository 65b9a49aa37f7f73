"""The Celery app: tasks autodiscovered from apps, configuration from CELERY_* settings and the
fixed behaviour below."""

from datetime import timedelta

from celery import Celery
from django_structlog.celery.steps import DjangoStructLogInitStep

from cinestream.beat import BEAT_SCHEDULE
from cinestream.startup import settings_load_or_exit

settings_load_or_exit()

app = Celery("cinestream")
app.config_from_object("django.conf:settings", namespace="CELERY")
# What does not depend on the environment (the settings' CELERY_* values do).
app.conf.update(
    task_eager_propagates=True,
    # Acknowledged when done: a task whose worker dies midway is delivered again.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    result_expires=timedelta(days=1),
    broker_connection_retry_on_startup=True,
    # Workers log through settings.LOGGING (JSON in production), not Celery's own format.
    worker_hijack_root_logger=False,
    beat_schedule=BEAT_SCHEDULE,
)
app.steps["worker"].add(DjangoStructLogInitStep)
app.autodiscover_tasks()
