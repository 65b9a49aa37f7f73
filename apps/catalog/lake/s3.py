"""The lake on S3 or any S3-compatible store (MinIO, Ceph, R2): the one module that uses boto3.

The client is built from settings.AWS_* at call time, with botocore's standard retries.
Files are spooled through temporary files both ways: a slow reader (a database batch) never
holds a response open, and a large upload goes in parts.
"""

import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any

import boto3
from boto3.exceptions import Boto3Error
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

# What boto3 raises when S3 cannot be reached or refuses; the storage module translates them.
S3_ERRORS = (BotoCoreError, ClientError, Boto3Error)


def _s3_client() -> Any:
    endpoint = settings.AWS_ENDPOINT_URL or None
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=settings.AWS_ACCESS_KEY_ID or None,
        aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY or None,
        region_name=settings.AWS_DEFAULT_REGION or None,
        config=Config(
            s3={"addressing_style": settings.AWS_S3_ADDRESSING_STYLE},
            retries={"mode": "standard", "max_attempts": 5},
        ),
    )


class S3Store:
    def __init__(self, bucket: str, prefix: str) -> None:
        self.bucket, self.prefix = bucket, prefix
        self.client = _s3_client()

    def _key(self, path: str) -> str:
        return "/".join(part for part in (self.prefix, path) if part)

    def name(self, path: str) -> str:
        return f"s3://{self.bucket}/{self._key(path)}"

    @contextmanager
    def writer(self, path: str) -> Iterator[IO[bytes]]:
        """A temporary file, uploaded once complete (in parts when large)."""
        with tempfile.TemporaryFile() as file:
            yield file
            file.seek(0)
            self.client.upload_fileobj(file, self.bucket, self._key(path))

    @contextmanager
    def reader(self, path: str) -> Iterator[IO[bytes]]:
        # Downloaded first: a slow database batch must not time out a half-read response.
        with tempfile.TemporaryFile() as file:
            self.client.download_fileobj(self.bucket, self._key(path), file)
            file.seek(0)
            yield file

    def read_text(self, path: str) -> str | None:
        try:
            reply = self.client.get_object(Bucket=self.bucket, Key=self._key(path))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise
        return reply["Body"].read().decode("utf-8")

    def files(self) -> list[str]:
        if self.prefix.endswith((".jsonl", ".jsonl.gz")):
            self.client.head_object(Bucket=self.bucket, Key=self.prefix)
            return [""]
        folder = f"{self.prefix}/" if self.prefix else ""
        keys = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=folder):
            keys += [item["Key"] for item in page.get("Contents", ())]
        return sorted(key[len(folder) :] for key in keys if key.endswith((".jsonl", ".jsonl.gz")))

    def delete(self, paths: Sequence[str]) -> None:
        for start in range(0, len(paths), 1000):  # DeleteObjects takes at most 1000 keys
            objects = [{"Key": self._key(path)} for path in paths[start : start + 1000]]
            self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": objects, "Quiet": True})
