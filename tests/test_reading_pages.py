"""Pages made for reading on a phone and a desktop (issue 23, items 5 and 6): charts a reader can read and trust,
tables whose answer comes first, and words where the data holds codes."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pandas as pd
import pytest
from matplotlib.lines import Line2D
from matplotlib.text import Text

from compare.stories import district_profile, district_trends, load, metric_comparison, rate_sentence
from compare.stories.charts import MIN_LABEL_PX, displayed_px, dot_chart, ranked_intervals
from compare.stories.quality import data_quality
from compare.stories.sentences import count_words, flag_words
from compare.stories.story import ANSWER_COLUMNS, CODE_COLUMNS, file_name, page_frame

DESKTOP_WIDTH = 928  # px: the page's 60rem column less its padding, where a chart is never shrunk


@pytest.fixture(scope="module")
def ds():
    return load()


@pytest.fixture(scope="module")
def stories(ds):
    """One story of each kind in both languages: a profile with a benchmark drawn (射阳县 2018 against the
    nation), a comparison, trends, data quality."""
    out = {}
    for lang in ("en", "zh"):
        out[("profile", lang)] = district_profile(ds, "320924", lang=lang)
        out[("comparison", lang)] = metric_comparison(ds, "legal_aid_cases", "county", lang=lang)
        out[("trends", lang)] = district_trends(ds, "510700", lang=lang)
        out[("quality", lang)] = data_quality(ds, lang=lang)
    return out


def shown_texts(fig) -> list[Text]:
    fig.canvas.draw()
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def test_every_chart_label_is_at_least_11_px_as_displayed(stories):
    """Figure size × dpi against the width the page shows it at: a small chart (440 px) shrinks to 369 px on a
    390 px phone; a wide one keeps its size in a scrolling box. Nothing is drawn wider than the desktop column."""
    for (kind, lang), story in stories.items():
        for key, chart in story.charts.items():
            fig = chart.figure
            assert fig.get_figwidth() * 100 <= DESKTOP_WIDTH, (kind, key)
            small = [
                (t.get_text()[:30], round(displayed_px(fig, t.get_fontsize()), 1))
                for t in shown_texts(fig)
                if displayed_px(fig, t.get_fontsize()) < MIN_LABEL_PX
            ]
            assert small == [], (kind, lang, key, small)


def test_the_old_profile_chart_would_have_failed_the_size_check():
    """The 10-panel chart was 14 inches wide with 8 pt labels: 7 px on a desktop, 2 px on a phone."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(14, 10))
    assert displayed_px(fig, 8) < 3 < MIN_LABEL_PX
    plt.close(fig)


def data_lines(ax) -> list[Line2D]:
    return [line for line in ax.get_lines() if line.get_transform() == ax.transData and len(line.get_xdata())]


def assert_inside(ax, lines):
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    for line in lines:
        x, y = np.asarray(line.get_xydata(), dtype=float).T  # dates as matplotlib's day numbers
        assert (x[np.isfinite(x)] >= x0).all() and (x[np.isfinite(x)] <= x1).all(), (line.get_label(), x, (x0, x1))
        assert (y[np.isfinite(y)] >= y0).all() and (y[np.isfinite(y)] <= y1).all(), (line.get_label(), y, (y0, y1))


def synthetic_rates(n: int = 4) -> pd.DataFrame:
    """SYNTHETIC rate rows (for these tests only): one interval far wider than every rate, one open above."""
    rates = np.linspace(5, 20, n)
    return pd.DataFrame(
        {
            "district_code": [f"99{i:04d}" for i in range(n)],
            "district_zh": [f"甲{i}区" for i in range(n)],
            "district_en": [f"Unit {i}" for i in range(n)],
            "period": ["2022"] * n,
            "kind": ["flow"] * n,
            "rate_per_10k": rates,
            "annual_rate_per_10k": rates,
            "ci_low": rates * 0.8,
            "ci_high": np.r_[rates[:-2] * 1.2, [400.0, np.inf]],
            "flags": [""] * (n - 1) + ["lower_bound"],
        }
    )


def test_axis_limits_hold_every_interval_end_and_the_benchmark():
    rates = synthetic_rates()
    bench = pd.DataFrame({"level": ["nation"], "name": ["全国 China"], "rate": [450.0]})
    with_benchmark = dot_chart(rates, "cases per 10,000 residents per year", {}, "990000", benchmarks=bench)
    assert with_benchmark.axes[0].get_xlim()[1] >= 450
    for fig in (with_benchmark, ranked_intervals(rates, "cases per 10,000 residents per year", {})):
        ax = fig.axes[0]
        low, high = ax.get_xlim()
        assert low <= 0 and high >= 400, "the widest finite interval end is inside the axis"
        assert_inside(ax, data_lines(ax))


def test_the_stories_charts_clip_no_interval(stories):
    for (kind, _), story in stories.items():
        if kind == "quality":
            continue
        for chart in story.charts.values():
            ax = chart.figure.axes[0]
            assert_inside(ax, data_lines(ax))


def test_the_benchmark_is_drawn_and_named_when_the_unit_was_compared_with_one(stories):
    for lang, name, none in (("en", "全国 China 67.8", "none is drawn"), ("zh", "全国 67.8", "未画基准线")):
        story = stories[("profile", lang)]
        compared = story.charts["disputes_mediated"]
        ax = compared.figure.axes[0]
        verticals = [line for line in ax.get_lines() if line.get_transform() != ax.transData]
        assert [round(line.get_xdata()[0], 1) for line in verticals] == [67.8]
        assert any(name in t.get_text() for t in compared.figure.legends[0].get_texts())
        alone = story.charts["disputes_mediated_success"]  # no benchmark reports it on the same basis
        ax = alone.figure.axes[0]
        assert [line for line in ax.get_lines() if line.get_transform() != ax.transData] == []
        assert none in alone.caption and none not in compared.caption


def test_no_funnel_is_drawn_for_fewer_units_than_a_funnel_needs(ds):
    from compare.stats.rates import rate_table
    from compare.stats.windows import MIN_UNITS, comparison_set
    from compare.stories.phrases import _window_funnel

    cs = comparison_set(rate_table(ds, "legal_aid_cases", level="prefecture"))
    assert cs.n_units < MIN_UNITS and _window_funnel(cs, "random_effects", MIN_UNITS) is not None
    story = metric_comparison(ds, "legal_aid_cases", "prefecture")
    assert "funnel" not in story.charts and "funnel" in story.tables  # the placements table says why


def test_no_trend_line_or_ci_legend_when_no_trend_was_fitted(stories):
    for lang in ("en", "zh"):
        fig = stories[("trends", lang)].charts["legal_aid_cases"].figure
        legend = " ".join(t.get_text() for t in fig.legends[0].get_texts())
        assert "CI" not in legend and "置信" not in legend and "trend:" not in legend and "趋势：" not in legend
        assert all(len(line.get_xdata()) <= 2 for line in fig.axes[0].get_lines())


# ---------------------------------------------------------------- tables and words


def test_the_answer_column_comes_first_and_codes_stay_in_the_csv(stories):
    for lang in ("en", "zh"):
        profile = stories[("profile", lang)]
        summary = page_frame(profile.tables["summary"], lang)
        assert summary.columns[0] == "placement"
        bench = profile.tables["benchmarks"]
        shown = page_frame(bench, lang)
        assert shown.columns[0] == "verdict"
        assert not set(CODE_COLUMNS) & set(shown.columns) and "district_code" not in shown
        assert {"vs_benchmark", "vs_benchmark_reason", "district_code"} <= set(bench.frame.columns), (
            "the CSV keeps codes"
        )
        for table in stories[("comparison", lang)].tables.values():
            columns = list(page_frame(table, lang).columns)
            answers = [c for c in columns if c in ANSWER_COLUMNS]
            assert columns[: len(answers)] == answers


def test_flags_and_periods_are_words_on_the_page(stories):
    for lang in ("en", "zh"):
        rates = stories[("comparison", lang)].tables["rates"]
        text = page_frame(rates, lang).to_csv(index=False, header=False)
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), text
    assert flag_words("lower_bound,population_year_gap", "en") == (
        "a lower bound (余/多/以上); census 2020 population for a year outside 2018–2022"
    )
    assert flag_words("part_exceeds_whole", "zh") == "文件所报分项大于总数"


def test_a_count_says_the_counting_word_of_its_quote(ds):
    """开展法治体检68次 counts check-ups (times), not the catalogue's enterprises."""
    from compare.stats.rates import rate_table

    assert count_words("enterprise", "en", 68, "开展法治体检68次") == "times"
    assert count_words("enterprise", "zh", 68, "开展法治体检68次") == "次"
    assert count_words("enterprise", "en", 930, "深入930余家企业开展“法治体检”") == "enterprises"
    assert count_words("person", "en", 10000, "吸引1万余人参加学习") == "people"
    assert count_words("case", "en", 1, "") == "case"
    rows = rate_table(ds, "admin_reconsideration_cases", districts=["320412"])
    row = rows[rows["quote"] == "共办理行政复议案件48起"].iloc[0]
    assert "48起" in rate_sentence(row, ds.metric("admin_reconsideration_cases"), "zh")


def test_a_rate_names_what_it_counts(ds):
    from compare.stats.rates import rate_table
    from compare.stories.phrases import rate_words

    row = rate_table(ds, "legal_aid_cases", districts=["371002"]).iloc[0]
    assert rate_words(row, ds.metric("legal_aid_cases"), "en") == "26.7 cases per 10,000 residents per year"
    assert rate_words(row, ds.metric("legal_aid_cases"), "zh") == "每万名居民每年26.7件"


def test_downloads_are_named_after_what_they_hold(stories):
    assert file_name("legal_aid_cases", "county", "2022") == "legal-aid-cases-county-2022"
    assert file_name("Huancui District", "371002", "", "summary") == "huancui-district-371002-summary"
    for (kind, lang), story in stories.items():
        names = [c.name for c in story.charts.values()] + [t.name for t in story.tables.values()]
        assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", n) for n in names), names
        assert not {"chart", "summary", "data", ""} & set(names)
        assert len(names) == len(set(names)), (kind, lang, names)


def test_the_data_quality_brief_names_no_machine_path(stories, ds):
    for lang in ("en", "zh"):
        about = " ".join(v for _, v in stories[("quality", lang)].about)
        assert str(ds.data_dir) not in about and "/" not in about


def test_the_data_quality_documents_table_does_not_repeat_the_sources_list(stories, ds):
    story = stories[("quality", "en")]
    provenance = story.tables["provenance"]
    shown = page_frame(provenance, "en")
    assert not {"title", "url", "text_held"} & set(shown.columns)  # the list of sources gives them, by document id
    assert {"title", "url", "text_held"} <= set(provenance.frame.columns)  # the download keeps them
    assert set(shown["doc_id"]) == set(story.sources["doc_id"]) == set(ds.sources["doc_id"])


# ---------------------------------------------------------------- the built pages of the default schedule

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
OPTION = re.compile(r"(?<![\w-])--[a-z][\w-]*")
ABSOLUTE = re.compile(r"(?<![\w.])/(?:work|tmp|home|root|usr|Users|var|opt|mnt)/[^\s<\"']*")


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    """`compare briefs` on the default schedule (briefs.yml), both languages."""
    from compare.briefs import build
    from compare.paths import PROJECT_ROOT

    out = tmp_path_factory.mktemp("default") / "out"
    manifest = build(PROJECT_ROOT / "briefs.yml", out, jobs=2, progress=False)
    assert manifest["counts"]["failed"] == 0, [b["error"] for b in manifest["briefs"] if b["error"]]
    return out / "latest"


def reader_text(page: str) -> str:
    """What a reader sees of a page: no style, no embedded data, no markup."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    page = re.sub(r"data:[^'\"]+", " ", page)
    return re.sub(r"<[^>]+>", " ", page)


def test_built_pages_show_no_ids_flags_options_or_paths(default_run):
    from compare.stories.sentences import FLAG_WORDS

    pages = sorted(default_run.glob("*.html"))
    assert len(pages) > 50
    found = {}
    for path in pages:
        raw = path.read_text(encoding="utf-8")
        text = reader_text(raw)
        hits = SNAKE.findall(text) + OPTION.findall(text) + ABSOLUTE.findall(text)
        codes = [f for f in FLAG_WORDS["en"] if f != "undated"]  # 'undated' is also the English word for no date
        hits += [f for f in codes if re.search(rf"(?<![\w-]){f}(?![\w-])", text)]  # not in a doc id
        if hits:
            found[path.name] = sorted(set(hits))[:5]
        names = re.findall(r"download=['\"]([^'\"]+)['\"]", raw)
        assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*\.csv", n) for n in names), (path.name, names)
        assert not {"chart.csv", "summary.csv", "data.csv"} & set(names), path.name
        assert len(names) == len(set(names)), (path.name, names)
    assert found == {}


@pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed (make test installs it)")
def test_the_answer_column_is_in_view_at_390_and_nothing_is_off_screen_at_1280(default_run):
    """Every page of the default schedule in headless Chromium: at 390 px every table's first column (the
    answer where a table has one) lies inside the viewport and every chart fits the page; at 1280 px no table
    scrolls sideways."""
    from playwright.sync_api import sync_playwright

    measure = """() => [...document.querySelectorAll('table')].map(t => {
        const box = t.parentElement, head = t.querySelector('thead th').getBoundingClientRect();
        return {first: t.querySelector('thead th').innerText, left: head.left, right: head.right,
                scroll: box.scrollWidth, client: box.clientWidth};
    })"""
    images = """() => [...document.querySelectorAll('figure.chart:not(.wide) img')].map(
        i => i.getBoundingClientRect().right)"""
    problems = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True)
        page = browser.new_page()
        for path in sorted(default_run.glob("*.html")):
            for width in (390, 1280):
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(path.as_uri())
                for table in page.evaluate(measure):
                    if not (0 <= table["left"] and table["right"] <= width):
                        problems.append((path.name, width, "first column out of view", table["first"]))
                    if width == 1280 and table["scroll"] > table["client"]:
                        problems.append((path.name, width, "table scrolls sideways", table["first"]))
                if any(right > width for right in page.evaluate(images)):
                    problems.append((path.name, width, "a chart wider than the screen"))
                if page.evaluate("document.documentElement.scrollWidth") > width:
                    problems.append((path.name, width, "the page scrolls sideways"))
        browser.close()
    assert problems == []
