"""What the catalog's management commands show: a progress bar on stderr, a summary on stdout.

Bars stay off at --verbosity 0. A summary is one line of counts ending with the run's
seconds, then at most SHOWN_PROBLEMS lines of each kind of problem and how many more there
were, so a file of garbage cannot flood the terminal.
"""

import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from apps.catalog.services import IngestReport

SHOWN_PROBLEMS = 20


def titles_counts(*, inserted: int, updated: int, unchanged: int, rejected: int, events: int) -> str:
    return (
        f"inserted {inserted}, updated {updated}, unchanged {unchanged}, rejected {rejected}; events {events}"
    )


class CommandReport:
    """One run of a command: its progress bars, then its summary."""

    def __init__(self, command: BaseCommand, *, verbosity: int) -> None:
        self.stdout = command.stdout
        self.is_quiet = verbosity == 0
        self.started = time.monotonic()

    def bar(
        self,
        items: Iterable[Any] | None = None,
        *,
        label: str,
        unit: str,
        total: int | None = None,
        is_scaled: bool = True,
        mininterval: float = 1,
    ) -> tqdm:
        """A bar over `items` (or one to update by hand when None); `unit` is plural, "titles"."""
        return tqdm(
            items,
            total=total,
            desc=label,
            unit=f" {unit}",
            unit_scale=is_scaled,
            mininterval=mininterval,
            disable=self.is_quiet,
        )

    def seconds(self) -> str:
        return f"{time.monotonic() - self.started:.1f} s"

    def ingest_counts(self, report: IngestReport) -> str:
        return titles_counts(
            inserted=report.inserted,
            updated=report.updated,
            unchanged=report.unchanged,
            rejected=sum(report.rejected.values()),
            events=report.events,
        )

    def rejected_write(self, report: IngestReport) -> None:
        """Each reason records were rejected for, with its count and its first record's message."""
        for reason, count in sorted(report.rejected.items()):
            self.stdout.write(f"  rejected ({reason}): {count}; first: {report.rejected_first[reason]}")

    def problems_write(self, problems: Sequence[str], *, count: int, kind: str | None = None) -> None:
        """The first problems, each led by its kind ("malformed: …") when given; `count` is all
        of them, listed or not."""
        lead = f"{kind}: " if kind else ""
        for problem in problems[:SHOWN_PROBLEMS]:
            self.stdout.write(f"  {lead}{problem}")
        if count > SHOWN_PROBLEMS:
            self.stdout.write(
                f"  … and {count - SHOWN_PROBLEMS} more {f'{kind} lines' if kind else 'problems'}"
            )
