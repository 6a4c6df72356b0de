"""The schedule: which notebooks run with which parameters, under which ids and titles.

One registry, `KINDS`, names every kind of brief: its notebook, the `for_each` rules it accepts, and (through
the wording catalogue) its group heading and the page title that both the page's `<title>` and its heading
use. A schedule entry is checked shape by shape, so a malformed briefs.yml is one sentence, not a traceback.
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import json
import re
import reprlib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import yaml

from .. import __version__
from ..data.reference import NATION_CODE
from ..data.tables import VERSIONED_TABLES, Dataset, data_version, is_synthetic
from ..errors import CompareError
from ..paths import NOTEBOOKS_DIR, PROJECT_ROOT
from ..paths import data_dir as default_data_dir
from ..stats.rates import rateable_observations, tier
from .wording import LANGUAGES, words

DEFAULT_CONFIG = PROJECT_ROOT / "briefs.yml"
TEMPLATES = Path(__file__).parent.parent / "templates"
BRIEF_ID = re.compile(r"^[a-z0-9_-]+$")
ENTRY_KEYS = {"notebook", "parameters", "for_each", "lang"}
# A schedule is a few dozen lines; these bounds are far above any real one and keep a hostile one small.
MAX_SCHEDULE_BYTES = 1_000_000
MAX_NODES = 10_000  # values, lists and mappings in the whole file
MAX_DEPTH = 32  # lists and mappings inside each other
# Words a parameter takes besides values of its default's type: a profile's peers are a list of codes, or its
# statistical neighbours (peers: neighbours).
PARAMETER_WORDS = {"peers": ("neighbours",)}


@dataclass(frozen=True)
class Kind:
    """One kind of brief: the notebook that makes it and the for_each rules that can expand it."""

    kind: str
    notebook: str
    for_each: tuple[str, ...] = ()

    def heading(self, lang: str = "en") -> str:
        """The index's group heading, e.g. 'District profiles'."""
        return words(lang)[f"kind.{self.kind}"]


KINDS: dict[str, Kind] = {
    k.notebook: k
    for k in (
        Kind("data_quality", "data_quality.ipynb"),
        Kind("district_profile", "district_profile.ipynb", ("district",)),
        Kind("metric_comparison", "metric_comparison.ipynb", ("metric_level",)),
        Kind("trends", "trends.ipynb", ("district_trend",)),
    )
}


@dataclass(frozen=True)
class Brief:
    """One notebook run: which notebook, with which parameters, and the pages (one per language) made from it.

    `parameters` are what the kernel receives; `lang` is passed only to a notebook that declares it, and then
    each language is its own run. Otherwise one run is rendered once per language."""

    brief_id: str
    notebook: str
    parameters: dict
    kind: str
    titles: dict = field(default_factory=dict)  # lang -> page title
    langs: tuple[str, ...] = ("en",)
    base_id: str = ""
    cache_key: str = ""
    editions: tuple[str, ...] = ("en",)  # every language the schedule entry asks for (pages link each other)
    data_version: str = ""  # the version of the data the brief reads, when the schedule was loaded

    @property
    def title(self) -> str:
        return self.titles[self.langs[0]]

    def page_id(self, lang: str) -> str:
        """The file name (without .html) of this brief's page in lang: '<id>' in English, '<id>-zh' in Chinese."""
        base = self.base_id or self.brief_id
        return base if lang == "en" else f"{base}-{lang}"


# ---------------------------------------------------------------- titles and ids


def brief_title(notebook: str, parameters: dict, ds: Dataset, lang: str = "en") -> str:
    """A reader's title: 'District profile: 环翠区 Huancui District', '区县概况：环翠区'; 'SYNTHETIC DATA · …' when
    the brief reads a synthetic data folder."""
    title = _plain_title(notebook, parameters, ds, lang)
    if is_synthetic(brief_data_dir(parameters, ds.data_dir)):
        return words(lang)["title.synthetic"].format(title=title)
    return title


def _plain_title(notebook: str, parameters: dict, ds: Dataset, lang: str) -> str:
    w = words(lang)
    kind = KINDS[notebook].kind

    def name(code):
        d = ds.district(code)
        return d["name_zh"] if lang == "zh" else f"{d['name_zh']} {d['name_en']}"

    if kind in ("district_profile", "trends") and "district" in parameters:
        return w[f"title.{kind}"].format(district=name(parameters["district"]))
    if kind == "metric_comparison" and "metric" in parameters:
        metric = ds.metric(parameters["metric"])
        level, period = parameters.get("level", "county"), parameters.get("period", "")
        return w["title.metric_comparison_window" if period else "title.metric_comparison"].format(
            metric=metric["name_zh" if lang == "zh" else "name_en"], level=w.get(f"level.{level}", level), period=period
        )
    return w["title.data_quality"] if kind == "data_quality" else KINDS[notebook].heading(lang)


def brief_id(notebook: str, parameters: dict, fixed: dict | None = None) -> str:
    """A file-name-safe id from the notebook and its identifying parameters (codes and metric ids), with a
    short hash of the schedule entry's other fixed parameters (denominator, peers ...) when it has any."""
    parts = [notebook.removesuffix(".ipynb")]
    parts += [str(parameters[k]) for k in ("metric", "level", "district") if parameters.get(k)]
    others = {k: v for k, v in (fixed or {}).items() if k not in ("metric", "level", "district", "lang")}
    if others:
        parts.append(hashlib.sha256(json.dumps(others, sort_keys=True).encode()).hexdigest()[:8])
    return _safe_id("-".join(parts))


def _safe_id(text: str) -> str:
    safe = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-")
    if not BRIEF_ID.match(safe):
        raise CompareError(f"Cannot make a file name from '{text}'.")
    return safe


# ---------------------------------------------------------------- parameters


@lru_cache
def declared_parameters(notebook: str) -> dict[str, object]:
    """The names and default values assigned in a notebook's cell tagged `parameters`."""
    nb = json.loads((NOTEBOOKS_DIR / notebook).read_text(encoding="utf-8"))  # JSON: nbformat takes seconds to import
    cells = [c for c in nb.get("cells", []) if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        return {}
    source = cells[0]["source"]
    declared = {}
    for node in ast.parse("".join(source) if isinstance(source, list) else source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            declared[node.targets[0].id] = ast.literal_eval(node.value)
    return declared


def declares_lang(notebook: str) -> bool:
    """Whether the notebook takes a `lang` parameter (then each language is its own run)."""
    return "lang" in declared_parameters(notebook)


def check_parameters(notebook: str, parameters: dict) -> None:
    """Refuse a parameter the notebook does not declare, or a value whose type differs from its default.

    Names are checked against the parameters cell because papermill writes them into the notebook as
    Python source: only a declared identifier may reach a kernel."""
    declared = declared_parameters(notebook)
    for name, value in parameters.items():
        if not isinstance(name, str) or name not in declared:
            known = ", ".join(declared) or "none"
            raise CompareError(f"{notebook} has no parameter {_shown(name)}; it takes: {known}.")
        default = declared[name]
        if not _same_type(value, default) and not (isinstance(value, str) and value in PARAMETER_WORDS.get(name, ())):
            raise CompareError(
                f"Parameter '{name}' of {notebook} must be {_type_name(default)}, "
                f"not {_type_name(value)} {_shown(value)}{_hint(name, value, default)}."
            )


def _hint(name: str, value, default) -> str:
    if name in PARAMETER_WORDS:
        return f" (or {name}: {' or '.join(PARAMETER_WORDS[name])})"
    if not isinstance(default, str) and default is not None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return f' (quote dates in briefs.yml: {name}: "{value.isoformat()}")'
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f' (quote codes in briefs.yml: {name}: "{value}")'
    return ""


_SHORT = reprlib.Repr()  # keyword arguments only from Python 3.12
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxstring, _SHORT.maxother = 2, 4, 4, 60, 60


def _shown(value) -> str:
    """A value as a message shows it: dates as ISO, anything else as a repr cut short (never the whole of a
    long list or text)."""
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else _SHORT.repr(value)


def _same_type(value, default) -> bool:
    if default is None:  # an optional path or text
        return value is None or isinstance(value, str)
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float))
    if isinstance(default, list):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, type(default))


def _type_name(value) -> str:
    if isinstance(value, list) and not all(isinstance(v, str) for v in value):
        return "a list holding " + ", ".join(sorted({_type_name(v) for v in value if not isinstance(v, str)}))
    if isinstance(value, (dt.date, dt.datetime)):
        return "a date"
    names = {
        bool: "true or false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list of text",
        type(None): "text or empty",
        dict: "a mapping",
    }
    return names.get(type(value), type(value).__name__)


# ---------------------------------------------------------------- expanding the schedule

PROFILED_LEVELS = ("county", "prefecture")


def for_each_items(rule: str, ds: Dataset) -> list[dict]:
    """The parameter sets a for_each rule finds in the data. Profiles and trends are made for counties and
    prefectures; provinces and the nation serve as their benchmarks (and are compared with each other)."""
    obs = rateable_observations(ds)
    local = obs[obs["tier"].isin(PROFILED_LEVELS)]
    if rule == "district":
        return [{"district": c} for c in sorted(local["district_code"].unique())]
    if rule == "metric_level":
        counts = obs.groupby(["metric_id", "tier"])["district_code"].nunique()
        return [{"metric": m, "level": t} for (m, t), n in counts.items() if n >= 2]
    if rule == "district_trend":
        spans = local.drop_duplicates(["district_code", "metric_id", "period_start", "period_end"])
        periods = spans.groupby(["district_code", "metric_id"]).size()
        multi = periods[periods >= 2].reset_index()
        return [{"district": c, "metrics": sorted(g["metric_id"])} for c, g in multi.groupby("district_code")]
    raise CompareError(f"Unknown for_each rule {rule!r}; use district, metric_level or district_trend.")


def entry_langs(entry: dict, only: str | None) -> tuple[str, ...]:
    """The languages an entry asks for (default both), narrowed to `only` when the command line gives one."""
    asked = entry.get("lang", list(LANGUAGES))
    asked = [asked] if isinstance(asked, str) else asked
    if not isinstance(asked, list) or not asked or any(a not in LANGUAGES for a in asked):
        raise CompareError(
            f"'lang' of the {entry.get('notebook')} entry must be en, zh or a list of them, not {_shown(asked)}."
        )
    langs = tuple(lang for lang in LANGUAGES if lang in asked)
    if only is not None:
        langs = (only,) if only in langs else ()
    return langs


def expand(entry: dict, ds: Dataset, only_lang: str | None = None) -> list[Brief]:
    """The briefs of one schedule entry: its fixed parameters, or one per item of its for_each rule."""
    if not isinstance(entry, dict):
        raise CompareError(f"Each schedule entry must be a mapping with 'notebook:', not {_shown(entry)}.")
    notebook = entry.get("notebook", "")
    if not isinstance(notebook, str) or notebook not in KINDS:
        raise CompareError(f"Unknown notebook {_shown(notebook)} in the schedule; use one of {', '.join(KINDS)}.")
    unknown = sorted(_shown(k).strip("'") for k in entry if k not in ENTRY_KEYS)
    if unknown:
        raise CompareError(
            f"The {notebook} entry has unknown key(s) {', '.join(unknown)}; use {', '.join(sorted(ENTRY_KEYS))}."
        )
    if not isinstance(entry.get("parameters") or {}, dict):
        raise CompareError(f"'parameters' of the {notebook} entry must be a mapping of name: value.")
    base = dict(entry.get("parameters") or {})
    if "lang" in base:
        raise CompareError(f"Give the language of the {notebook} entry as its own 'lang:' key, not a parameter.")
    check_parameters(notebook, base)
    langs = entry_langs(entry, only_lang)
    rule = entry.get("for_each")
    if rule is not None and (not isinstance(rule, str) or rule not in KINDS[notebook].for_each):
        rules = ", ".join(KINDS[notebook].for_each) or "none"
        raise CompareError(f"for_each {_shown(rule)} does not apply to {notebook}; it takes: {rules}.")
    items = [{}] if rule is None else for_each_items(rule, ds)
    briefs = []
    for item in items:
        params = {**base, **item}
        check_parameters(notebook, params)
        briefs += make_briefs(notebook, params, base, langs, ds)
    return briefs


def make_briefs(notebook: str, params: dict, fixed: dict, langs: tuple[str, ...], ds: Dataset) -> list[Brief]:
    """One run rendered in every language, or, for a notebook that declares `lang`, one run per language."""
    if not langs:
        return []
    base_id = brief_id(notebook, params, fixed)
    titles = {lang: brief_title(notebook, params, ds, lang) for lang in langs}
    kind = KINDS[notebook].kind
    if not declares_lang(notebook):
        return [Brief(base_id, notebook, params, kind, titles, langs, base_id, editions=langs)]
    return [
        Brief(
            base_id if lang == "en" else f"{base_id}-{lang}",
            notebook,
            {**params, "lang": lang},
            kind,
            {lang: titles[lang]},
            (lang,),
            base_id,
            editions=langs,
        )
        for lang in langs
    ]


class ScheduleRefused(yaml.YAMLError):
    """A schedule the loader will not read further: why, and where (a YAML mark)."""

    def __init__(self, why: str, mark):
        super().__init__(why)
        self.why, self.mark = why, mark


class ScheduleLoader(yaml.SafeLoader):
    """PyYAML's safe loader with bounds checked while the file is composed, before anything is built from it:
    no aliases (`*name` repeats a subtree, and a few lines of them expand to billions of values), at most
    MAX_NODES values and MAX_DEPTH levels of nesting (deeper nesting ends in Python's recursion limit), and no
    key twice in one mapping (YAML would silently keep the last `notebook:`)."""

    def __init__(self, stream):
        super().__init__(stream)
        self.nodes = self.depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise ScheduleRefused("uses an alias (*name); write the value out in full", event.start_mark)
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ScheduleRefused(f"holds more than {MAX_NODES:,} values", event.start_mark)
        if self.depth >= MAX_DEPTH:
            raise ScheduleRefused(f"nests lists or mappings more than {MAX_DEPTH} deep", event.start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def compose_mapping_node(self, anchor):
        node = super().compose_mapping_node(anchor)
        seen = set()
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode):
                if (key.tag, key.value) in seen:
                    raise ScheduleRefused(f"repeats the key {_shown(key.value)} in one mapping", key.start_mark)
                seen.add((key.tag, key.value))
        return node


def read_schedule(config: Path) -> list:
    """The entries under 'briefs:' of a schedule file, or one sentence saying what is wrong with it."""
    config = Path(config)
    if not config.is_file():
        raise CompareError(f"Schedule file {config} not found.")
    if config.stat().st_size > MAX_SCHEDULE_BYTES:
        raise CompareError(f"Schedule file {config} is larger than {MAX_SCHEDULE_BYTES:,} bytes; is it the schedule?")
    raw = config.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        hint = " (looks like GBK: save it as UTF-8)" if _decodes(raw, "gbk") else ""
        raise CompareError(f"Schedule file {config} is not UTF-8 text{hint}.") from None
    try:
        spec = yaml.load(text, Loader=ScheduleLoader)  # a SafeLoader: no Python tags
    except ScheduleRefused as exc:
        raise CompareError(f"Schedule file {config} {exc.why} (line {exc.mark.line + 1}).") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise CompareError(f"Schedule file {config} is not valid YAML{line}.") from None
    if not isinstance(spec, dict) or not isinstance(spec.get("briefs"), list):
        raise CompareError(f"Schedule file {config} needs a list under 'briefs:'.")
    return spec["briefs"]


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def schedule_languages(config: Path, ds: Dataset) -> set[str]:
    """Every language the schedule's entries ask for (what a run must hold to become outputs/latest)."""
    return {lang for entry in read_schedule(config) if isinstance(entry, dict) for lang in entry_langs(entry, None)}


def load_schedule(config: Path, ds: Dataset, lang: str | None = None) -> list[Brief]:
    """Every brief the schedule file asks for, each with its cache key; `lang` keeps one language only."""
    if lang is not None and lang not in LANGUAGES:
        raise CompareError(f"Unknown language {lang!r}; use {' or '.join(LANGUAGES)}.")
    briefs = [b for entry in read_schedule(config) for b in expand(entry, ds, lang)]
    seen = set()
    for b in briefs:
        if b.brief_id in seen:
            raise CompareError(
                f"The schedule asks for brief '{b.brief_id}' twice; give the entries different parameters."
            )
        seen.add(b.brief_id)
    versions = {Path(ds.data_dir).resolve(): ds.version}  # the version of each data folder a brief reads
    for b in briefs:
        folder = brief_data_dir(b.parameters, ds.data_dir)
        if folder not in versions:
            versions[folder] = data_version(folder)
    shared = _shared_tables_digest(ds)
    keyed = []
    for b in briefs:
        folder = brief_data_dir(b.parameters, ds.data_dir)
        version = versions[folder]
        reads = data_read(b, ds, shared) if folder == Path(ds.data_dir).resolve() else None
        keyed.append(replace(b, cache_key=cache_key(b, reads or version), data_version=version))
    return keyed


# ---------------------------------------------------------------- the data each brief reads

OWN_ROWS = {"district_profile", "trends", "metric_comparison"}  # kinds whose rows are known; others read everything


def data_read(brief: Brief, ds: Dataset, shared: str) -> str | None:
    """A fingerprint of the data a brief reads, so that a new observation rebuilds only the briefs it touches:
    the tables every brief reads whole (metrics, phrases, districts, populations: shared), the set of district
    codes reporting (they fix the charts' colours), the observation rows of its selection, and the source rows
    and texts those rows cite. None (key on the whole data version) for any brief whose reading is not known.

    Conservative by design: a profile reads every row of its metrics at its own level (its peers) and of the
    units above it (its benchmarks); a trend reads its metrics' rows of its district and the units above it;
    a metric comparison reads every row of its metric; each with the metrics linked to them (linked_metrics)."""
    rows = _rows_read(brief, ds)
    if rows is None:
        return None
    obs = ds.observations
    digest = hashlib.sha256(shared.encode())
    digest.update(",".join(sorted(obs["district_code"].astype(str).unique())).encode())
    digest.update(rows.sort_values(list(rows.columns)).to_csv(index=False).encode())
    docs = sorted(set(rows["doc_id"].astype(str)))
    sources = ds.sources[ds.sources["doc_id"].astype(str).isin(docs)]
    digest.update(sources.sort_values("doc_id").to_csv(index=False).encode())
    for doc in docs:  # the texts as the dataset read them (no path is made from the data)
        digest.update(doc.encode() + b"\0" + str(ds.texts.get(doc, "")).encode() + b"\0")
    return "rows:" + digest.hexdigest()[:16]


def _rows_read(brief: Brief, ds: Dataset):
    """The observation rows a brief's selection reads (see data_read), or None when not known."""
    params = brief.parameters
    if brief.kind not in OWN_ROWS:
        return None
    obs = ds.observations
    codes = obs["district_code"].astype(str)
    if brief.kind == "metric_comparison":
        return obs[obs["metric_id"].isin(linked_metrics(ds, {params.get("metric")}))]
    district = str(params.get("district", ""))
    known = ds.districts.set_index("code")
    if district not in known.index:
        return None
    above = {NATION_CODE, *(str(known.at[district, f"{lvl}_code"] or "") for lvl in ("prefecture", "province"))}
    metrics = linked_metrics(ds, set(params.get("metrics") or obs.loc[codes == district, "metric_id"]))
    mine = obs["metric_id"].isin(metrics) & codes.isin({district, *above, *map(str, params.get("peers") or [])})
    if brief.kind == "district_profile":
        levels = codes.map(tier(known["level"]))
        mine |= obs["metric_id"].isin(metrics) & levels.eq(tier(known["level"]).get(district))
    return obs[mine]


def linked_metrics(ds: Dataset, metrics: set) -> set:
    """metrics with those a row of theirs is checked against: a share's numerator and denominator (a numerator
    larger than its denominator flags both rows), and the shares built on them."""
    m = ds.metrics
    linked = m[m["metric_id"].isin(metrics) | m["numerator"].isin(metrics) | m["denominator"].isin(metrics)]
    return (set(metrics) | set(linked["metric_id"]) | set(linked["numerator"]) | set(linked["denominator"])) - {""}


def _shared_tables_digest(ds: Dataset) -> str:
    """The tables every brief reads whole: each data table but the observations and the sources' list."""
    folder = Path(ds.data_dir)
    digest = hashlib.sha256()
    for rel in VERSIONED_TABLES:
        if rel not in ("observations.csv", "sources/sources.csv") and (folder / rel).is_file():
            digest.update(rel.encode() + b"\0" + (folder / rel).read_bytes() + b"\0")
    return digest.hexdigest()


def brief_data_dir(parameters: dict, data_dir: Path | str | None) -> Path:
    """The data folder a brief's notebook reads: its own `data_dir` parameter when the schedule gives one (a
    relative one from notebooks/, where kernels start), else the build's data folder."""
    own = parameters.get("data_dir")
    if own:
        return (NOTEBOOKS_DIR / own).resolve()
    return Path(data_dir or default_data_dir()).resolve()


def presentation_files() -> list[Path]:
    """What shapes a page besides the notebook and its data: the templates and the package's code (a changed
    sentence, statistic or chart in stories/ or stats/ rebuilds the pages, not only a changed renderer)."""
    package = Path(__file__).parent.parent
    return sorted(p for p in [*TEMPLATES.rglob("*"), *package.rglob("*.py")] if p.is_file())


@lru_cache
def _presentation_digest() -> str:
    digest = hashlib.sha256()
    for path in presentation_files():
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(brief: Brief, data_version: str) -> str:
    """Same notebook file, parameters, languages (its own and the editions it links), data (the fingerprint of
    the rows the brief reads, else the version of the folder it reads), presentation and package version: same
    key, same brief."""
    digest = hashlib.sha256((NOTEBOOKS_DIR / brief.notebook).read_bytes())
    digest.update(json.dumps(brief.parameters, sort_keys=True).encode())
    editions = ",".join(brief.editions)  # a page links its other editions: an English-only run's pages do not
    digest.update(f"{data_version}|{__version__}|{','.join(brief.langs)}|{editions}|{_presentation_digest()}".encode())
    return digest.hexdigest()[:16]
