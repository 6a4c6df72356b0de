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
        "title.trends": "Trends: {district}",
        "title.synthetic": "SYNTHETIC DATA · {title}",
        "level.county": "county",
        "level.prefecture": "prefecture",
        "index.title": "Judicial administration briefs",
        "index.meta": "Run {run_id} · generated {generated} · data version {data_version} · compare {version}",
        "index.counts": "{ok} built, {reused} reused, {failed} failed",
        "index.failed": "failed",
        "index.other_language": "中文",
        "nav.back": "← all briefs",
        "about.heading": "About this brief",
        "about.data_version": "Data version",
        "about.generated": "Generated",
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
        "title.trends": "趋势：{district}",
        "title.synthetic": "SYNTHETIC DATA 虚构数据 · {title}",
        "level.county": "县级",
        "level.prefecture": "地级",
        "index.title": "司法行政简报",
        "index.meta": "运行 {run_id} · 生成于 {generated} · 数据版本 {data_version} · compare {version}",
        "index.counts": "新建 {ok} 份，沿用 {reused} 份，失败 {failed} 份",
        "index.failed": "失败",
        "index.other_language": "English",
        "nav.back": "← 全部简报",
        "about.heading": "关于本简报",
        "about.data_version": "数据版本",
        "about.generated": "生成时间",
    },
}


def words(lang: str) -> dict[str, str]:
    """The catalogue of one language."""
    return WORDING[lang]
