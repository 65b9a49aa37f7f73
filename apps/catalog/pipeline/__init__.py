"""The catalog ETL: validate → clean → normalize → merge → enrich, one small module a step."""
