"""compare.stories.charts: Chinese renders with the bundled font, colours stay fixed, bounds are marked."""

import warnings

import matplotlib.pyplot as plt

from compare.data import load_dataset
from compare.stats.rates import rate_table, unit_label
from compare.stories.charts import district_colours, marker_for, ranked_intervals, use_cjk_font


def test_chinese_district_names_draw_without_missing_glyph_warnings():
    ds = load_dataset()
    rates = rate_table(ds, "disputes_mediated", level="county")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = ranked_intervals(
            rates,
            unit_label(ds, "disputes_mediated"),
            district_colours(rates["district_code"]),
            title="矛盾纠纷调处化解 Disputes mediated",
        )
        fig.canvas.draw()
    glyph_warnings = [w for w in caught if "Glyph" in str(w.message) or "missing from font" in str(w.message)]
    assert glyph_warnings == []
    assert "Noto Sans CJK SC" in use_cjk_font()
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert any("环翠区 Huancui District" in label for label in labels)
    assert fig.axes[0].get_xlabel() == "cases per 10,000 residents per year"
    plt.close("all")


def test_each_district_keeps_one_colour_whatever_the_chart():
    a = district_colours(["371002", "320412", "330200"])
    b = district_colours(["330200", "371002", "320412", "320412"])
    assert a == b and len(set(a.values())) == 3


def test_lower_bounds_and_approximations_get_their_own_markers():
    assert marker_for("lower_bound,population_fallback") == ">"
    assert marker_for("approx") == "D"
    assert marker_for("") == "o"


def test_a_chart_is_saved_whole_whatever_the_matplotlibrc_says():
    """A researcher's matplotlibrc with savefig.bbox: tight made the raw buffer narrower than the figure."""
    import base64
    import io

    import matplotlib
    from PIL import Image

    from compare.stories.story import DPI, png

    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot([0, 1], [0, 1])
    ax.set_title("环翠区")
    with matplotlib.rc_context({"savefig.bbox": "tight"}):
        image = Image.open(io.BytesIO(base64.b64decode(png(fig))))
    plt.close(fig)
    assert image.size == (int(6 * DPI), int(3 * DPI))
