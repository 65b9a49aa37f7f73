"""Load the bundled sample catalog (IMDb datasets format) into an empty database."""

from pathlib import Path

from django.core.management.base import BaseCommand

from apps.catalog.models import Title
from apps.catalog.services import imdb_datasets_import
from apps.scraping.imdb_datasets import DatasetFiles

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample"


class Command(BaseCommand):
    help = "Fill an empty catalog with the bundled sample titles, so a new site is not empty."

    def handle(self, *args, **options) -> None:
        if Title.objects.exists():
            self.stdout.write("catalog not empty: sample not loaded")
            return
        result = imdb_datasets_import(DatasetFiles(folder=SAMPLE_DIR), types=None, min_votes=0)
        self.stdout.write(f"sample catalog loaded: {result.titles.inserted} titles, {result.people} people")
