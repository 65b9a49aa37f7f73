"""Seed the two plans: Free (today's limits, the `Perks()` defaults) and Supporter."""

from decimal import Decimal

from django.db import migrations

PLANS = [
    {
        "code": "free",
        "name_uk": "Безкоштовний",
        "name_en": "Free",
        "name_ru": "Бесплатный",
        # Perks() defaults: the site as it is without a plan.
        "saved_cities_max": 1,
        "alerts_max": 5,
    },
    {
        "code": "supporter",
        "name_uk": "Прихильник",
        "name_en": "Supporter",
        "name_ru": "Сторонник",
        "price_uah": Decimal("99.00"),
        "price_usd": Decimal("4.99"),
        "price_year_uah": Decimal("990.00"),
        "price_year_usd": Decimal("49.00"),
        "api_key": True,
        "api_write_rate": "600/minute",
        "saved_cities_max": 10,
        "alerts_max": 50,
        "calendar_feed": True,
        "trends_report_early": True,
    },
]


def plans_seed(apps, schema_editor):
    Plan = apps.get_model("memberships", "Plan")
    for fields in PLANS:
        code = fields["code"]
        Plan.objects.get_or_create(code=code, defaults={k: v for k, v in fields.items() if k != "code"})


class Migration(migrations.Migration):
    dependencies = [("memberships", "0001_plans_payments")]

    operations = [migrations.RunPython(plans_seed, migrations.RunPython.noop)]
