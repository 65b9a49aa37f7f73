"""The catalog's data lake: partitioned gzip JSON Lines out, such files back in through the pipeline.

Layout of an export (Hive-style partitions, read as they are by Spark, Databricks, DuckDB):

    DEST/scrape_date=YYYY-MM-DD/part-NNNN.jsonl.gz   one title per line (CatalogLine)
    DEST/_schema/v1.json                              JSON Schema (draft 2020-12) of a line
    DEST/_manifest.json                               every file, its line count and checksum

DEST is a folder or `s3://bucket/prefix` on any S3-compatible store (settings.AWS_*).
`schema` is the line, `storage` a folder or S3 behind one interface (`s3` the only module
that talks to S3), `export` and `importing` the two directions.
"""

from apps.catalog.lake.export import (
    CHUNK_SIZE,
    LINES_PER_PART,
    MANIFEST_PATH,
    LakeFile,
    LakeManifest,
    catalog_export,
    catalog_line,
    title_page,
)
from apps.catalog.lake.importing import (
    LINE_MAX_BYTES,
    MALFORMED_KEPT,
    LakeImport,
    catalog_import,
    line_records,
)
from apps.catalog.lake.schema import (
    RECORD_FIELDS,
    SCHEMA_ID,
    SCHEMA_PATH,
    SCHEMA_VERSION,
    CatalogAka,
    CatalogCredit,
    CatalogLine,
    LineMalformed,
    catalog_line_parse,
    line_schema,
)
from apps.catalog.lake.storage import LakeUnavailable

__all__ = [
    "CHUNK_SIZE",
    "LINES_PER_PART",
    "LINE_MAX_BYTES",
    "MALFORMED_KEPT",
    "MANIFEST_PATH",
    "RECORD_FIELDS",
    "SCHEMA_ID",
    "SCHEMA_PATH",
    "SCHEMA_VERSION",
    "CatalogAka",
    "CatalogCredit",
    "CatalogLine",
    "LakeFile",
    "LakeImport",
    "LakeManifest",
    "LakeUnavailable",
    "LineMalformed",
    "catalog_export",
    "catalog_import",
    "catalog_line",
    "catalog_line_parse",
    "line_records",
    "line_schema",
    "title_page",
]
