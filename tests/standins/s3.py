"""A stand-in for S3: moto's server speaking the real S3 protocol over loopback HTTP.

The code under test talks to it through boto3 exactly as to AWS or MinIO, with
settings.AWS_ENDPOINT_URL pointing here; nothing is patched.
"""

import logging
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3

from tests.conftest import service_missing

REGION = "us-east-1"
ACCESS_KEY, SECRET_KEY = "standin", "standin-secret"


@dataclass(frozen=True)
class S3Standin:
    endpoint_url: str

    def client(self) -> Any:
        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def bucket_create(self) -> str:
        """A new, empty bucket with a name no other test uses (the server's state is shared)."""
        name = f"lake-{secrets.token_hex(6)}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str) -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", ()))


def s3_serve() -> Iterator[S3Standin]:
    """Run moto's S3 server on a free loopback port until the generator is closed."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:
        service_missing(f"needs moto[server] (requirements-dev.txt) for the S3 stand-in: {exc}")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield S3Standin(endpoint_url=f"http://{host}:{port}")
    finally:
        server.stop()
