"""What a report is made from: a profile's indicator values, sources and narrative."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise

import pandas as pd

from migprofile.codes import NOT_APPLICABLE, TOTAL, Dataflow, is_country
from migprofile.codes.totals import Share
from migprofile.governance import Register, load_register
from migprofile.indicators import REGISTRY
from migprofile.indicators.border import BorderTables, published_border_tables
from migprofile.indicators.comparisons import Reconciliation, reconcile_profile
from migprofile.indicators.flow_matrix import FlowMatrix, profile_flow_matrices
from migprofile.indicators.national import (
    RevisedFigure,
    adds_up,
    national_source,
    revised_figures,
    women_shares,
)
from migprofile.profile import Profile
from migprofile.warehouse import INDICATOR_SCHEMA, Warehouse

__all__ = ["ReportData", "SeriesBreak", "Source"]

COUNT_UNITS = ("persons", "USD", "consultations", "associations", "number")
"""Units of series checked for breaks (rates and shares follow their counts)."""


@dataclass(frozen=True)
class Source:
    """A source as the report cites it."""

    name: str
    kind: str
    title: str
    provider: str
    revision: str
    obtained: object
    licence: str
    url: str
    citation: str
    sha256: str
    path: str


@dataclass(frozen=True)
class SeriesBreak:
    """Two consecutive values of a series too far apart to be one series."""

    indicator: str
    before_year: str
    before: float
    after_year: str
    after: float

    @property
    def factor(self) -> float:
        return max(self.before, self.after) / min(self.before, self.after)


@dataclass
class ReportData:
    """Indicator values of one profile, with the provenance needed to cite them."""

    profile: Profile
    values: pd.DataFrame
    sources: list[Source]
    data_types: dict[str, dict[str, int]]
    """UN DESA's type-of-data flags for the country, by UN DESA revision."""
    reconciliation: list[Reconciliation] = field(default_factory=list)
    """Every pair of figures that should agree, two sources and mirror pairs."""
    border: BorderTables | None = None
    """Border aggregates (12-month flows, crossings by year), computed exactly and then
    protected as the values are."""
    shares: dict[tuple[str, str, str], Share] = field(default_factory=dict)
    """Shares of women of national indicators by (indicator, partner, year), on the base
    where both figures are known."""
    revised: list[RevisedFigure] = field(default_factory=list)
    """National totals that a later revision changed, with every revision's figure."""
    flows: dict[tuple[str, tuple[str, str]], FlowMatrix] = field(default_factory=dict)
    """Flow matrices (province of origin x destination) by (dataflow, dimensions), as
    published."""
    register: Register | None = None
    """The migration governance register (``governance/``); read from the profile when
    not given."""

    def __post_init__(self) -> None:
        if self.register is None:
            self.register = load_register(self.profile)

    @classmethod
    def load(cls, profile: Profile, warehouse: Warehouse, *,
             values: list[dict] | None = None) -> ReportData:
        """The report's data; ``values`` are the indicator values as published (after
        disclosure control; withheld values are NaN), default the stored ones."""
        frame = (pd.DataFrame(values, columns=[*INDICATOR_SCHEMA.names, "conf_status"])
                 if values is not None else warehouse.table("indicator_values").to_pandas())
        sources = [Source(**{k: row[k] for k in Source.__dataclass_fields__})
                   for row in warehouse.sources()]
        return cls(profile, frame, sources, _data_types(warehouse, profile.country),
                   reconcile_profile(profile, warehouse, values=frame),
                   border=published_border_tables(profile, warehouse,
                                                  protect=values is not None),
                   shares=women_shares(warehouse.observations, area=profile.country),
                   revised=revised_figures(warehouse.observations, area=profile.country),
                   flows=profile_flow_matrices(profile, warehouse,
                                               profile.dataflows,
                                               protect=values is not None))

    @property
    def country(self) -> str:
        return self.profile.country

    @property
    def settings(self):
        return self.profile.settings

    @cached_property
    def dataflows(self) -> dict[str, Dataflow]:
        """The shipped dataflows and the profile's own."""
        return self.profile.dataflows

    # looking values up ------------------------------------------------------------------

    def rows(self, indicator: str, *, sex: str | None = TOTAL,
             partner: str | None = NOT_APPLICABLE) -> pd.DataFrame:
        """Values of one indicator; ``None`` for ``sex`` or ``partner`` keeps them all."""
        df = self._by_indicator.get(indicator, self.values.iloc[:0])
        if sex is not None:
            df = df[df.sex == sex]
        if partner is not None:
            df = df[df.counterpart_area == partner]
        return df

    @cached_property
    def _by_indicator(self) -> dict[str, pd.DataFrame]:
        """The values of each indicator in order of year, partner and sex: a report looks
        indicators up hundreds of times, and one pass beats scanning every value each time
        (the sort is stable, so filtering after it keeps the same order as before)."""
        ordered = self.values.sort_values(["indicator", "time_period", "counterpart_area", "sex"],
                                          kind="stable")
        return {str(key): part for key, part in ordered.groupby("indicator", sort=False)}

    def series(self, indicator: str, *, sex: str = TOTAL,
               partner: str = NOT_APPLICABLE) -> pd.Series:
        """Values by year (of one partner of a by-partner indicator)."""
        df = self.rows(indicator, sex=sex, partner=partner)
        return pd.Series(df.value.to_numpy(), index=df.time_period.to_numpy(), dtype=float)

    def latest(self, indicator: str, *, sex: str = TOTAL,
               until: str | None = None) -> tuple[str, float] | None:
        """The most recent (year, value), up to year ``until`` if given; None if no value."""
        series = self.series(indicator, sex=sex)
        if until is not None:
            series = series[series.index <= until]
        if series.empty:
            return None
        return series.index[-1], float(series.iloc[-1])

    def value(self, indicator: str, year: str, *, sex: str = TOTAL) -> float | None:
        series = self.series(indicator, sex=sex)
        return float(series[year]) if year in series.index else None

    def women(self, indicator: str, year: str, *,
              partner: str = NOT_APPLICABLE) -> Share | None:
        """The share of women in ``year``, on the base where women and the total are both
        known (for national data perhaps only the partners whose sex was recorded)."""
        found = self.shares.get((indicator, partner, year))
        if found is not None or (national_source(indicator) is not None and not adds_up(
                indicator)):
            return found
        rows = self.rows(indicator, sex=None, partner=partner)
        rows = rows[rows.time_period == year].set_index("sex").value
        women, total = rows.get("F"), rows.get(TOTAL)
        if women is None or total is None or pd.isna(women) or pd.isna(total) or not total:
            return None
        return Share(float(women), float(total), whole=True)

    def latest_year(self, indicator: str) -> str | None:
        df = self.rows(indicator, sex=None, partner=None)
        return None if df.empty else str(df.time_period.max())

    def top_partners(self, indicator: str, *, year: str, n: int,
                     sex: str = TOTAL) -> pd.DataFrame:
        """The ``n`` countries with the largest values in ``year`` (largest first)."""
        return self.partners(indicator, year=year, sex=sex).head(n)

    def partners(self, indicator: str, *, year: str, sex: str = TOTAL) -> pd.DataFrame:
        """Every country with a value above zero in ``year``, largest first; groups such as
        "unknown origin", "other countries" or "stateless" are never ranked."""
        df = self.rows(indicator, sex=sex, partner=None)
        df = df[(df.time_period == year) & (df.value > 0)]
        df = df[df.counterpart_area.map(is_country).astype(bool)]
        return df.sort_values(["value", "counterpart_area"], ascending=[False, True])

    def breaks(self, indicator: str) -> list[SeriesBreak]:
        """Where a count series changes from one value to the next by more than the
        ``break_factor`` setting (317,737 refugees, then 17,507): a change of method or
        coverage more likely than of the world."""
        if REGISTRY[indicator].unit not in COUNT_UNITS:
            return []
        factor = self.settings.report.break_factor
        rows = self.rows(indicator).dropna(subset=["value"])
        # a year given in several revisions (UN DESA's, side by side): one series each
        series = ([rows] if not rows.time_period.duplicated().any()
                  else [part for _, part in rows.groupby("revision")])
        return [SeriesBreak(indicator, y0, float(v0), y1, float(v1))
                for part in series
                for (y0, v0), (y1, v1) in pairwise(zip(part.time_period, part.value,
                                                       strict=True))
                if v0 > 0 and v1 > 0 and max(v0, v1) / min(v0, v1) > factor]

    def revisions(self, indicator: str) -> dict[str, str]:
        """The revision each year of an indicator was computed from (national data)."""
        df = self.rows(indicator, sex=None, partner=None)
        return dict(zip(df.time_period, df.revision, strict=True))

    def source(self, kind: str, *, revision: str | None = None) -> Source | None:
        """The source of this kind that indicators use: the profile's first of that kind,
        or, for national data, the given revision."""
        if revision is not None:
            return next((s for s in self.sources if s.kind == kind and s.revision == revision),
                        None)
        names = [name for name, s in self.settings.sources.items() if s.kind == kind]
        ranked = sorted((s for s in self.sources if s.kind == kind),
                        key=lambda s: names.index(s.name) if s.name in names else len(names))
        return ranked[0] if ranked else None

    @cached_property
    def edition_year(self) -> int:
        digits = "".join(ch for ch in self.settings.profile.edition if ch.isdigit())[:4]
        return int(digits) if len(digits) == 4 else pd.Timestamp.today().year

    @cached_property
    def data_as_of(self):
        """The latest date a source was obtained: the report is as current as that."""
        return max((s.obtained for s in self.sources), default=None)

    def narrative(self, section: str, language: str) -> str | None:
        """The working group's Markdown for a section, if there is one."""
        path = self.profile.narrative_dir / f"{section}.{language}.md"
        return path.read_text(encoding="utf-8") if path.is_file() else None

    def indicators_without_data(self) -> list[str]:
        present = set(self.values.indicator)
        return [key for key in REGISTRY if key not in present]


def _data_types(warehouse: Warehouse, area: str) -> dict[str, dict[str, int]]:
    obs = warehouse.observations
    rows = obs.filter((obs.dataflow == "UNDESA_IMS_DATA_TYPE") & (obs.ref_area == area)) \
        .select("time_period", "dims", "value").to_pyarrow().to_pylist()
    flags: dict[str, dict[str, int]] = {}
    for row in rows:
        flag = row["dims"].removeprefix("type=")
        flags.setdefault(row["time_period"], {})[flag] = int(row["value"])
    return flags
