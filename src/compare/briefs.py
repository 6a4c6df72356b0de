"""Build the HTML briefs: run a schedule of notebooks through papermill in worker processes, convert
each to a self-contained HTML page, and write an index and a manifest.

Layout of one run, outputs/<run-id>/:
    <brief-id>.html            the brief (no code, images embedded, nothing fetched from the network)
    notebooks/<brief-id>.ipynb the executed notebook
    index.html                 every brief, grouped by kind
    manifest.json              per brief: parameters, status, seconds, outputs, error
outputs/latest points at the newest complete run. Files appear atomically (written aside, then renamed).
A brief whose notebook, parameters and data are unchanged since the latest run is reused, unless forced.

Speed: each worker keeps one warm kernel with the heavy imports done and resets its namespace before
every notebook (papermill runs on that kernel through its `km` engine argument), and converts to HTML
in-process. Workers are local processes, or Dask workers (`executor="dask"`).
"""

from __future__ import annotations

import ast
import atexit
import hashlib
import html
import json
import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path

import yaml

from . import __version__
from .data import Dataset, load_dataset
from .errors import CompareError
from .fileio import write_atomically
from .paths import NOTEBOOKS_DIR, OUTPUTS_DIR, PROJECT_ROOT
from .rates import rateable_observations

DEFAULT_CONFIG = PROJECT_ROOT / "briefs.yml"
TEMPLATES = Path(__file__).parent / "templates"
KERNEL = "python3"  # the kernel of the interpreter running compare (jupyter_client resolves it to sys.executable)
BRIEF_ID = re.compile(r"^[a-z0-9_-]+$")
KINDS = {
    "data_quality.ipynb": "Data quality",
    "district_profile.ipynb": "District profiles",
    "metric_comparison.ipynb": "Metric comparisons",
    "trends.ipynb": "Trends",
}


@dataclass
class Brief:
    """One notebook run: which notebook, with which parameters, under which id and title."""

    brief_id: str
    notebook: str
    parameters: dict
    title: str
    kind: str
    cache_key: str = ""


@dataclass
class Result:
    """What happened to one brief (one manifest entry)."""

    brief_id: str
    kind: str
    title: str
    notebook: str
    parameters: dict
    status: str  # ok, reused, failed
    seconds: float
    html: str | None = None
    executed_notebook: str | None = None
    error: str | None = None
    cache_key: str = ""


# ---------------------------------------------------------------- the schedule


def brief_title(notebook: str, parameters: dict, ds: Dataset) -> str:
    """A reader's title: 'District profile: 环翠区 Huancui District', 'Legal aid cases … (county level)'."""
    def name(code):
        d = ds.district(code)
        return f"{d['name_zh']} {d['name_en']}"

    if notebook == "district_profile.ipynb" and "district" in parameters:
        return f"District profile: {name(parameters['district'])}"
    if notebook == "trends.ipynb" and "district" in parameters:
        return f"Trends: {name(parameters['district'])}"
    if notebook == "metric_comparison.ipynb" and "metric" in parameters:
        return f"{ds.metric(parameters['metric'])['name_en']} ({parameters.get('level', 'county')} level)"
    return KINDS[notebook].removesuffix("s")


def brief_id(notebook: str, parameters: dict, fixed: dict | None = None) -> str:
    """A file-name-safe id from the notebook and its identifying parameters (codes and metric ids), with a
    short hash of the schedule entry's other fixed parameters (denominator, peers ...) when it has any."""
    parts = [notebook.removesuffix(".ipynb")]
    parts += [str(parameters[k]) for k in ("metric", "level", "district") if parameters.get(k)]
    others = {k: v for k, v in (fixed or {}).items() if k not in ("metric", "level", "district")}
    if others:
        parts.append(hashlib.sha256(json.dumps(others, sort_keys=True).encode()).hexdigest()[:8])
    return _safe_id("-".join(parts))


def expand(entry: dict, ds: Dataset) -> list[Brief]:
    """The briefs of one schedule entry: its fixed parameters, or one per item of its for_each rule."""
    if not isinstance(entry, dict):
        raise CompareError(f"Each schedule entry must be a mapping with 'notebook:', not {entry!r}.")
    notebook = entry.get("notebook", "")
    if notebook not in KINDS:
        raise CompareError(f"Unknown notebook '{notebook}' in the schedule; use one of {', '.join(KINDS)}.")
    if not isinstance(entry.get("parameters") or {}, dict):
        raise CompareError(f"'parameters' of the {notebook} entry must be a mapping of name: value.")
    base = dict(entry.get("parameters") or {})
    check_parameters(notebook, base)
    rule = entry.get("for_each")
    obs = rateable_observations(ds)
    if rule is None:
        items = [{}]
    elif rule == "district":
        items = [{"district": c} for c in sorted(obs["district_code"].unique())]
    elif rule == "metric_level":
        counts = obs.groupby(["metric_id", "tier"])["district_code"].nunique()
        items = [{"metric": m, "level": t} for (m, t), n in counts.items() if n >= 2]
    elif rule == "district_trend":
        spans = obs.drop_duplicates(["district_code", "metric_id", "period_start", "period_end"])
        periods = spans.groupby(["district_code", "metric_id"]).size()
        multi = periods[periods >= 2].reset_index()
        items = [{"district": c, "metrics": sorted(g["metric_id"])} for c, g in multi.groupby("district_code")]
    else:
        raise CompareError(f"Unknown for_each rule '{rule}'; use district, metric_level or district_trend.")
    briefs = []
    for item in items:
        params = {**base, **item}
        check_parameters(notebook, params)
        briefs.append(Brief(brief_id(notebook, params, base), notebook, params, brief_title(notebook, params, ds), KINDS[notebook]))
    return briefs


@lru_cache
def declared_parameters(notebook: str) -> dict[str, object]:
    """The names and default values assigned in a notebook's cell tagged `parameters`."""
    import nbformat

    nb = nbformat.read(str(NOTEBOOKS_DIR / notebook), as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        return {}
    declared = {}
    for node in ast.parse(cells[0].source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            declared[node.targets[0].id] = ast.literal_eval(node.value)
    return declared


def check_parameters(notebook: str, parameters: dict) -> None:
    """Refuse a parameter the notebook does not declare, or a value whose type differs from its default.

    Names are checked against the parameters cell because papermill writes them into the notebook as
    Python source: only a declared identifier may reach a kernel."""
    declared = declared_parameters(notebook)
    for name, value in parameters.items():
        if not isinstance(name, str) or name not in declared:
            known = ", ".join(declared) or "none"
            raise CompareError(f"{notebook} has no parameter {name!r}; it takes: {known}.")
        default = declared[name]
        if not _same_type(value, default):
            hint = " (quote codes in briefs.yml: district: \"371002\")" if isinstance(default, str) else ""
            raise CompareError(f"Parameter '{name}' of {notebook} must be {_type_name(default)}, "
                               f"not {_type_name(value)} {value!r}{hint}.")


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
    names = {bool: "true or false", int: "a number", float: "a number", str: "text", list: "a list of text",
             type(None): "text or empty"}
    return names.get(type(value), type(value).__name__)


def _safe_id(text: str) -> str:
    brief_id = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-")
    if not BRIEF_ID.match(brief_id):
        raise CompareError(f"Cannot make a file name from '{text}'.")
    return brief_id


def load_schedule(config: Path, ds: Dataset) -> list[Brief]:
    """Every brief the schedule file asks for, each with its cache key."""
    if not Path(config).is_file():
        raise CompareError(f"Schedule file {config} not found.")
    try:
        spec = yaml.safe_load(Path(config).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise CompareError(f"Schedule file {config} is not valid YAML ({exc.__class__.__name__}).") from exc
    entries = spec.get("briefs")
    if not isinstance(entries, list):
        raise CompareError(f"Schedule file {config} needs a list under 'briefs:'.")
    briefs = [b for entry in entries for b in expand(entry, ds)]
    seen = set()
    for b in briefs:
        if b.brief_id in seen:
            raise CompareError(f"The schedule asks for brief '{b.brief_id}' twice; give the entries different parameters.")
        seen.add(b.brief_id)
        b.cache_key = cache_key(b, ds.version)
    return briefs


def cache_key(brief: Brief, data_version: str) -> str:
    """Same notebook file, parameters, data and package version: same key, same brief."""
    digest = hashlib.sha256((NOTEBOOKS_DIR / brief.notebook).read_bytes())
    digest.update(json.dumps(brief.parameters, sort_keys=True).encode())
    digest.update(f"{data_version}|{__version__}".encode())
    return digest.hexdigest()[:16]


# ---------------------------------------------------------------- running one brief


def to_html(notebook, title: str) -> str:
    """An executed notebook as a self-contained HTML page without code cells."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="brief", extra_template_basedirs=[str(TEMPLATES)])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": title}})
    return embed_cjk_font(body)


CJK_FAMILY = "Noto Sans CJK SC (embedded subset)"


def embed_cjk_font(page: str) -> str:
    """Embed, as a data URI, the subset of the bundled Noto Sans CJK SC font that the page's Chinese text
    needs, so the page renders Chinese on machines without CJK fonts and without network."""
    import base64
    import io

    import mplfonts
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from .charts import FONT_FILE

    chars = {ord(c) for c in page if ord(c) >= 0x2E80}
    if not chars:
        return page
    options = subset.Options()
    options.flavor, options.layout_features, options.name_IDs, options.hinting = "woff", [], [], False
    font = TTFont(str(Path(mplfonts.__file__).parent / "fonts" / FONT_FILE))
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(chars))
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.flavor = "woff"
    font.save(buffer)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    fallback = f'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "{CJK_FAMILY}", sans-serif'
    style = (f'<style type="text/css">@font-face{{font-family:"{CJK_FAMILY}";src:url(data:font/woff;base64,{data}) format("woff");}}'
             f":root{{--jp-content-font-family:{fallback};--jp-ui-font-family:{fallback};}} body{{font-family:{fallback};}}</style>")
    return page.replace("</head>", style + "</head>", 1)


def _failure_message(exc: Exception) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return f"cell {exc.exec_count} failed: {exc.ename}: {exc.evalue}"
    return f"{exc.__class__.__name__}: {exc}"


@contextmanager
def stderr_to(path: Path):
    """Send this process's standard error (and its children's) to path for the duration."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.stderr.flush()
    saved = os.dup(2)
    with open(path, "ab") as log:
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


# ---------------------------------------------------------------- warm kernels

WARM_UP = "import compare.findings, compare.charts  # the heavy imports, done once per worker\ncompare.charts.use_cjk_font()"
RESET = "%reset -f\nimport matplotlib.pyplot as _plt\n_plt.close('all')\ndel _plt"
_warm: dict = {}


def run_in_kernel(km, code: str, timeout: float = 120) -> None:
    """Run code in the kernel through a short-lived client (a long-lived one would queue every message
    the kernel broadcasts while papermill runs notebooks on it)."""
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        reply = kc.execute_interactive(code, timeout=timeout, output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            raise CompareError(f"The warm kernel could not run its set-up: {reply['content'].get('evalue', '')}")
    finally:
        kc.stop_channels()


def warm_kernel(data_dir: str | None):
    """This worker's kernel for data_dir, started once with the heavy imports done."""
    from jupyter_client.manager import KernelManager

    km = _warm.get(data_dir)
    if km is None or not km.is_alive():
        env = {**os.environ, **({"COMPARE_DATA_DIR": str(data_dir)} if data_dir else {})}
        km = KernelManager(kernel_name=KERNEL)
        km.start_kernel(cwd=str(NOTEBOOKS_DIR), env=env, stderr=subprocess.DEVNULL)  # errors land in the notebooks
        run_in_kernel(km, WARM_UP)
        _warm[data_dir] = km
        atexit.register(km.shutdown_kernel, now=True)
    return km


def execute_warm(notebook: Path, output: Path, parameters: dict, data_dir: str | None = None) -> None:
    """papermill on this worker's warm kernel: the namespace is reset first, so every notebook starts
    clean, but the imports stay loaded."""
    import papermill

    km = warm_kernel(data_dir)
    run_in_kernel(km, RESET, timeout=60)
    papermill.execute_notebook(str(notebook), str(output), parameters=parameters, kernel_name=KERNEL,
                               progress_bar=False, km=km)


def run_brief(brief: Brief, run_dir: Path, data_dir: str | None = None) -> Result:
    """Execute one notebook with papermill and write its HTML brief; never raises for a notebook failure."""
    import nbformat

    start = time.perf_counter()
    nb_dir = run_dir / "notebooks"
    nb_dir.mkdir(parents=True, exist_ok=True)
    executed = nb_dir / f"{brief.brief_id}.ipynb"
    tmp = nb_dir / f".{brief.brief_id}.tmp-{os.getpid()}.ipynb"
    result = Result(brief.brief_id, brief.kind, brief.title, brief.notebook, brief.parameters, "ok", 0.0,
                    cache_key=brief.cache_key)
    try:
        check_parameters(brief.notebook, brief.parameters)  # names reach the kernel as source code
        with stderr_to(run_dir / "logs" / f"{brief.brief_id}.log"):  # kernel chatter goes to the brief's log
            execute_warm(NOTEBOOKS_DIR / brief.notebook, tmp, brief.parameters, data_dir)
        node = nbformat.read(str(tmp), as_version=4)
        write_atomically(run_dir / f"{brief.brief_id}.html", to_html(node, brief.title))
        result.html = f"{brief.brief_id}.html"
    except Exception as exc:  # a failing brief is reported, never stops the others
        result.status, result.error = "failed", _failure_message(exc)
    if tmp.exists():
        os.replace(tmp, executed)
        result.executed_notebook = f"notebooks/{brief.brief_id}.ipynb"
    result.seconds = round(time.perf_counter() - start, 2)
    return result


def reuse(brief: Brief, previous: dict[str, dict], previous_dir: Path | None, run_dir: Path) -> Result | None:
    """Copy an unchanged brief from the previous run, or None."""
    old = previous.get(brief.brief_id)
    if not old or previous_dir is None or old.get("status") not in ("ok", "reused") or old.get("cache_key") != brief.cache_key:
        return None
    sources = [previous_dir / old["html"], previous_dir / old["executed_notebook"]]
    if not all(p.is_file() for p in sources):
        return None
    (run_dir / "notebooks").mkdir(parents=True, exist_ok=True)
    for src, rel in zip(sources, (old["html"], old["executed_notebook"])):
        write_atomically(run_dir / rel, src.read_bytes())
    return Result(brief.brief_id, brief.kind, brief.title, brief.notebook, brief.parameters, "reused", 0.0,
                  old["html"], old["executed_notebook"], cache_key=brief.cache_key)


# ---------------------------------------------------------------- the whole run


def previous_run(out: Path) -> tuple[dict[str, dict], Path | None]:
    """The manifest entries of the run outputs/latest points at, by brief id."""
    latest = out / "latest"
    manifest = latest / "manifest.json"
    if not manifest.is_file():
        return {}, None
    entries = json.loads(manifest.read_text(encoding="utf-8"))["briefs"]
    return {e["brief_id"]: e for e in entries}, latest.resolve()


def new_run_dir(out: Path) -> tuple[str, Path]:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    run_id, n = stamp, 1
    while (out / run_id).exists():
        n += 1
        run_id = f"{stamp}-{n}"
    (out / run_id).mkdir(parents=True)
    return run_id, out / run_id


def point_latest(out: Path, run_id: str) -> None:
    """Make outputs/latest point at run_id, atomically."""
    tmp = out / f".latest.tmp-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(run_id, target_is_directory=True)
    os.replace(tmp, out / "latest")


def build(config: Path | None = None, out: Path | None = None, jobs: int = 2, force: bool = False,
          data_dir: Path | None = None, executor: str = "process", scheduler: str | None = None,
          progress: bool = True) -> dict:
    """Run every brief of the schedule; write HTML, index and manifest; return the manifest."""
    out = Path(out or OUTPUTS_DIR)
    ds = load_dataset(data_dir)
    briefs = load_schedule(Path(config or DEFAULT_CONFIG), ds)
    out.mkdir(parents=True, exist_ok=True)
    previous, previous_dir = previous_run(out) if not force else ({}, None)
    run_id, run_dir = new_run_dir(out)
    started = time.perf_counter()
    results = []
    todo = []
    for b in briefs:
        reused = reuse(b, previous, previous_dir, run_dir)
        (results.append(reused) if reused else todo.append(b))
    results += run_all(todo, run_dir, jobs, str(data_dir) if data_dir else None, executor, scheduler, progress)
    order = {b.brief_id: i for i, b in enumerate(briefs)}
    results.sort(key=lambda r: order[r.brief_id])
    manifest = {
        "run_id": run_id, "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "data_version": ds.version, "compare_version": __version__, "seconds": round(time.perf_counter() - started, 2),
        "counts": {s: sum(r.status == s for r in results) for s in ("ok", "reused", "failed")},
        "briefs": [asdict(r) for r in results],
    }
    write_atomically(run_dir / "index.html", embed_cjk_font(index_html(manifest)))
    write_atomically(run_dir / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    point_latest(out, run_id)
    manifest["run_dir"] = str(run_dir)
    return manifest


def run_all(briefs: list[Brief], run_dir: Path, jobs: int, data_dir: str | None, executor: str,
            scheduler: str | None, progress: bool) -> list[Result]:
    """Run briefs in parallel worker processes (or on a Dask cluster), with a progress bar."""
    from tqdm import tqdm

    if not briefs:
        return []
    bar = tqdm(total=len(briefs), desc="briefs", unit="brief", file=sys.stderr, disable=not progress)
    results = []
    if executor == "dask":
        from dask.distributed import Client, as_completed as dask_completed

        with Client(scheduler) as client:
            futures = [client.submit(run_brief, b, run_dir, data_dir, pure=False) for b in briefs]
            for fut in dask_completed(futures):
                results.append(fut.result())
                bar.update()
    elif executor == "process":
        with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=get_context("spawn")) as pool:
            futures = [pool.submit(run_brief, b, run_dir, data_dir) for b in briefs]
            for fut in as_completed(futures):
                results.append(fut.result())
                bar.update()
    else:
        raise CompareError(f"Unknown executor '{executor}'; use process or dask.")
    bar.close()
    return results


def index_html(manifest: dict) -> str:
    """The index page: every brief grouped by kind, failures with their failing cell. All text escaped."""
    groups: dict[str, list[dict]] = {}
    for entry in manifest["briefs"]:
        groups.setdefault(entry["kind"], []).append(entry)
    sections = []
    for kind in [k for k in KINDS.values() if k in groups]:
        items = []
        for e in groups[kind]:
            title = html.escape(e["title"])
            if e["status"] == "failed":
                items.append(f"<li class='failed'>{title} — <b>failed</b>: {html.escape(e['error'] or '')}</li>")
            else:
                items.append(f"<li><a href='{html.escape(e['html'], quote=True)}'>{title}</a></li>")
        sections.append(f"<h2>{html.escape(kind)} ({len(items)})</h2><ul>{''.join(items)}</ul>")
    c = manifest["counts"]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>compare briefs {html.escape(manifest['run_id'])}</title>
<style>body{{max-width:900px;margin:2em auto;line-height:1.5}}
li.failed{{color:#a00}} .meta{{color:#555}}</style></head>
<body><h1>Judicial administration briefs</h1>
<p class="meta">Run {html.escape(manifest['run_id'])} · generated {html.escape(manifest['generated'])} · data version
<code>{html.escape(manifest['data_version'])}</code> · compare {html.escape(manifest['compare_version'])} ·
{c['ok']} built, {c['reused']} reused, {c['failed']} failed</p>
{''.join(sections)}
</body></html>
"""

