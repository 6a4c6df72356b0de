"""Statistical neighbours: the units of the same level most like a district on the 2020 census.

As local-government comparison tools do (CIPFA's nearest neighbours, the LGA's), a district can be set beside
the units that resemble it rather than beside every unit of its level. Alike means near on five covariates
from the 2020 census (reference/census_covariates.csv): log resident population, urban share (urban residents
over residents), the shares aged 65 and over and aged 0-14, and mean years of schooling. Each covariate is
standardised to a z-score over every unit of the district's level nationally (development zones rank with
county-level units), and the neighbours are the k nearest by Euclidean distance; ties go to the lower code.
Given `among` (the units that report a metric's period in the same definition), the k nearest are chosen from
those candidates only, while the z-scores stay national, so a distance means the same thing for every metric.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..data.covariates import read_covariates
from ..data.tables import Dataset
from ..errors import CompareError
from .rates import tier

DEFAULT_NEIGHBOURS = 10
COVARIATES = ("log_population", "urban_share", "share_65_plus", "share_0_14", "mean_years_schooling")


@dataclass(frozen=True)
class Neighbours:
    """A district's statistical neighbours, nearest first."""

    district: str
    level: str  # the ranking level the units were drawn from (county for county-level units and zones)
    codes: tuple[str, ...]
    distances: tuple[float, ...]  # Euclidean distance in z-scores, one per code
    covariates: tuple[str, ...]  # the names of the covariates used, in COVARIATES order
    values: pd.DataFrame  # the covariates (not standardised) of the district, then of each neighbour, by code
    pool: int  # how many units of the level the z-scores were computed over, the district included
    candidates: int | None = None  # how many units of `among` could be ranked (None: every unit of the level)


def covariate_table(ds: Dataset) -> pd.DataFrame:
    """The covariates of every coded unit with census figures, indexed by code, with its ranking level."""
    census = read_covariates(ds.data_dir).drop_duplicates("code").set_index("code")
    levels = tier(ds.districts.set_index("code")["level"])
    table = pd.DataFrame(
        {
            "level": levels.reindex(census.index),
            "log_population": np.log(census["population"]),
            "urban_share": census["urban"] / census["population"],
            "share_65_plus": census["pct_age_65_plus"] / 100,
            "share_0_14": census["pct_age_0_14"] / 100,
            "mean_years_schooling": census["mean_years_schooling"],
        }
    )
    return table[table["level"].notna()]


def statistical_neighbours(
    ds: Dataset, district: str, k: int = DEFAULT_NEIGHBOURS, among: Iterable[str] | None = None
) -> Neighbours:
    """The k units of the district's level nearest to it on the standardised census covariates (fewer when
    the level has fewer other units). Given `among` (codes), only those units are candidates: codes of another
    level, without census figures, or the district's own are passed over, and fewer than k may remain (none
    is no error). CompareError when k is not a positive whole number, the district has no census figures,
    or it is the only unit of its level."""
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise CompareError(f"The number of neighbours must be a whole number of at least 1, not {k!r}.")
    info = ds.district(district)
    table = covariate_table(ds)
    if district not in table.index:
        raise CompareError(
            f"{info['name_zh']} ({district}) has no 2020 census figures, so it has no statistical neighbours."
        )
    level = table.loc[district, "level"]
    pool = table[table["level"] == level].sort_index()
    if len(pool) < 2:
        raise CompareError(f"{info['name_zh']} ({district}) is the only unit of its level: it has no neighbours.")
    from sklearn.neighbors import NearestNeighbors  # imported here: a second's import only where it is used
    from sklearn.preprocessing import StandardScaler

    z = StandardScaler().fit_transform(pool[list(COVARIATES)].to_numpy(float))
    here = pool.index.get_loc(district)
    search = NearestNeighbors(n_neighbors=len(pool), algorithm="brute").fit(z)
    distances, positions = search.kneighbors(z[[here]])
    found = pd.DataFrame({"code": pool.index[positions[0]], "distance": distances[0]})
    found = found[found["code"] != district]
    candidates = None
    if among is not None:
        found = found[found["code"].isin({str(c) for c in ([among] if isinstance(among, str) else among)})]
        candidates = len(found)
    found = found.sort_values(["distance", "code"], kind="stable").head(k)
    values = pool.loc[[district, *found["code"]], list(COVARIATES)]
    return Neighbours(
        district=district,
        level=str(level),
        codes=tuple(found["code"]),
        distances=tuple(float(d) for d in found["distance"]),
        covariates=COVARIATES,
        values=values.assign(distance=[0.0, *found["distance"]]),
        pool=len(pool),
        candidates=candidates,
    )
