"""The lake package (apps/catalog/lake/) stays readable: small modules, one that talks to S3."""

import ast
from pathlib import Path

import pytest

APPS = Path(__file__).resolve().parents[3] / "apps"
LAKE = APPS / "catalog" / "lake"

pytestmark = pytest.mark.embedded


def _imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_lake_s3_module_imports_boto3():
    importers = sorted(
        str(path.relative_to(APPS)) for path in APPS.rglob("*.py") if _imported(path) & {"boto3", "botocore"}
    )

    assert importers == ["catalog/lake/s3.py"]


def test_no_lake_module_is_over_500_lines():
    modules = [LAKE.with_suffix(".py"), *LAKE.glob("*.py")]

    sizes = {path.name: len(path.read_text().splitlines()) for path in modules if path.exists()}

    assert sizes
    assert {name: lines for name, lines in sizes.items() if lines > 500} == {}
