"""The words compare's brief pages say around the notebooks' own output, one catalogue per language.

Only the page chrome lives here (index, kind names, titles, navigation, the provenance rows of "About this
brief"); every sentence, label and header of a brief's content is in compare.stories.sentences. Every language has
exactly the same keys (a test checks), so a missing translation fails a test instead of showing English on a
Chinese page.
"""

from __future__ import annotations

LANGUAGES = ("en", "zh")

WORDING: dict[str, dict[str, str]] = {
    "en": {
        "html_lang": "en",
        "other_lang": "zh-Hans",
        "kind.data_quality": "Data quality",
        "kind.district_profile": "District profiles",
        "kind.metric_comparison": "Metric comparisons",
        "kind.trends": "Trends",
        "title.data_quality": "Data quality",
        "title.district_profile": "District profile: {district}",
        "title.metric_comparison": "{metric} ({level} level)",
        "title.metric_comparison_window": "{metric} ({level} level), {period}",
        "title.trends": "Trends: {district}",
        "title.synthetic": "SYNTHETIC DATA · {title}",
        "level.county": "county",
        "level.prefecture": "prefecture",
        "level.province": "province",
        "index.title": "Judicial administration briefs",
        "index.meta": "Run {run_id} · generated {generated} · data version {data_version} · compare {version}",
        "index.counts": "{ok} built, {reused} reused, {failed} failed",
        "index.failed": "failed",
        "index.other_language": "中文",
        "nav.back": "← all briefs",
        "about.heading": "About this brief",
        "about.data_version": "Data version",
        "about.generated": "Generated",
        "index.overview": "District profiles: each district against its benchmark",
        "index.overview_note": "Each cell: the district's latest rate for the metric (as its profile gives it) "
        "against the nearest unit above it with a figure for the same period and definition (its prefecture, "
        "province or the nation), judged by the exact 95% interval. Grey: not compared (point at the cell for "
        "why). Districts with a finding come first; each cell links to the district's profile.",
        "index.filter": "Filter by name",
        "index.district": "District",
        "verdict.higher": "higher",
        "verdict.lower": "lower",
        "verdict.similar": "similar",
        "verdict.not_compared": "not compared",
        "verdict.none": "no figure",
        "verdict.none_title": "The district reports no dated figure of this metric.",
    },
    "zh": {
        "html_lang": "zh-Hans",
        "other_lang": "en",
        "kind.data_quality": "数据质量",
        "kind.district_profile": "区县概况",
        "kind.metric_comparison": "指标比较",
        "kind.trends": "趋势",
        "title.data_quality": "数据质量",
        "title.district_profile": "区县概况：{district}",
        "title.metric_comparison": "{metric}（{level}）",
        "title.metric_comparison_window": "{metric}（{level}，{period}）",
        "title.trends": "趋势：{district}",
        "title.synthetic": "SYNTHETIC DATA 虚构数据 · {title}",
        "level.county": "县级",
        "level.prefecture": "地级",
        "level.province": "省级",
        "index.title": "司法行政简报",
        "index.meta": "运行 {run_id} · 生成于 {generated} · 数据版本 {data_version} · compare {version}",
        "index.counts": "新建 {ok} 份，沿用 {reused} 份，失败 {failed} 份",
        "index.failed": "失败",
        "index.other_language": "English",
        "nav.back": "← 全部简报",
        "about.heading": "关于本简报",
        "about.data_version": "数据版本",
        "about.generated": "生成时间",
        "index.overview": "区县概况：各区县与基准比较",
        "index.overview_note": "每格：该区县该指标最近一期的比率（与其概况所示相同），与其上级单位（地级市、省或全国）"
        "同一时期、同一口径的数字相比，按精确 95% 区间判断。灰色：未比较（指向该格可见原因）。"
        "有发现的区县排在前面；每格链接到该区县的概况。",
        "index.filter": "按名称筛选",
        "index.district": "区县",
        "verdict.higher": "较高",
        "verdict.lower": "较低",
        "verdict.similar": "相近",
        "verdict.not_compared": "未比较",
        "verdict.none": "无数字",
        "verdict.none_title": "该区县没有该指标注明日期的数字。",
    },
}


def words(lang: str) -> dict[str, str]:
    """The catalogue of one language."""
    return WORDING[lang]
