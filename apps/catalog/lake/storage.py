"""Where lake files live: a folder or an S3 prefix, behind one interface (`Store`).

A location is a path (a file or a folder) or `s3://bucket/prefix`. Writers replace a file
only once it is complete (folder: a temporary file renamed over it; S3: one upload), and
every storage failure, whichever the store, becomes `LakeUnavailable` naming the location.
"""

import tempfile
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import IO, Protocol
from urllib.parse import urlsplit

from apps.catalog.lake.s3 import S3_ERRORS, S3Store
from core.errors import DomainError


class LakeUnavailable(DomainError):
    """The lake's storage (a folder or S3) could not be read or written; safe to retry."""

    code = "lake_unavailable"
    http_status = 503


class Store(Protocol):
    """Files under one location, named by their path below it ("" for a location that is a file)."""

    def name(self, path: str) -> str: ...

    def writer(self, path: str) -> AbstractContextManager[IO[bytes]]: ...

    def reader(self, path: str) -> AbstractContextManager[IO[bytes]]: ...

    def read_text(self, path: str) -> str | None: ...

    def files(self) -> list[str]: ...

    def delete(self, paths: Sequence[str]) -> None: ...


class FolderStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def name(self, path: str) -> str:
        return str(self.root / path) if path else str(self.root)

    @contextmanager
    def writer(self, path: str) -> Iterator[IO[bytes]]:
        """A temporary file beside the target, renamed over it once complete."""
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        file = tempfile.NamedTemporaryFile(  # noqa: SIM115  (closed below, then renamed)
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False
        )
        try:
            yield file
            file.close()
            Path(file.name).replace(target)
        finally:
            file.close()
            Path(file.name).unlink(missing_ok=True)

    @contextmanager
    def reader(self, path: str) -> Iterator[IO[bytes]]:
        with (self.root / path if path else self.root).open("rb") as file:
            yield file

    def read_text(self, path: str) -> str | None:
        try:
            return (self.root / path).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def files(self) -> list[str]:
        if self.root.is_file():
            return [""]
        if not self.root.is_dir():
            raise LakeUnavailable(f"{self.root}: no such file or folder")
        found = [*self.root.rglob("*.jsonl.gz"), *self.root.rglob("*.jsonl")]
        return sorted(str(path.relative_to(self.root)) for path in found if path.is_file())

    def delete(self, paths: Sequence[str]) -> None:
        for path in paths:
            target = self.root / path
            target.unlink(missing_ok=True)
            if target.parent != self.root and not any(target.parent.iterdir()):
                target.parent.rmdir()


def store_open(location: str) -> Store:
    """The store for a folder, a file or `s3://bucket/prefix`."""
    if location.startswith("s3://"):
        parts = urlsplit(location)
        if not parts.netloc:
            raise LakeUnavailable(f"{location}: expected s3://bucket/prefix")
        return S3Store(parts.netloc, parts.path.strip("/"))
    return FolderStore(Path(location))


@contextmanager
def storage_errors(location: str) -> Iterator[None]:
    """Any store's failure as LakeUnavailable, its message led by the location."""
    try:
        yield
    except (*S3_ERRORS, OSError) as exc:
        raise LakeUnavailable(f"{location}: {exc}") from exc
