"""The data layer."""

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
    "read_csv_checked",
    "read_table",
    "summary",
    "validate",
]
