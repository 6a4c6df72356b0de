"""The data layer: tables (the curated CSV files loaded into a Dataset and validated; its names are
re-exported here), reference (districts and populations built from the shared census extract), population
(denominators, reconciliation with reports' own rates), periods (labels, spans, annualisation), numerals
(Chinese number forms) and fileio (atomic writes, digests, locks). It imports nothing above it."""

from .tables import (
    DISTRICT_COLUMNS,
    FILES,
    METRIC_COLUMNS,
    OBSERVATION_COLUMNS,
    POPULATION_COLUMNS,
    SOURCE_COLUMNS,
    UNITS,
    Dataset,
    Problem,
    catalogue_problems,
    data_version,
    load_dataset,
    load_validated,
    read_csv_checked,
    read_table,
    summary,
    validate,
)

__all__ = [
    "DISTRICT_COLUMNS",
    "FILES",
    "METRIC_COLUMNS",
    "OBSERVATION_COLUMNS",
    "POPULATION_COLUMNS",
    "SOURCE_COLUMNS",
    "UNITS",
    "Dataset",
    "Problem",
    "catalogue_problems",
    "data_version",
    "load_dataset",
    "load_validated",
    "read_csv_checked",
    "read_table",
    "summary",
    "validate",
]
