"""Movies and series, people, genres, the ETL pipeline and the data-lake export."""
