"""Comparing two versions of a report: figures compared as people read them."""

from qualitymonth.reports.versions import compare


def snapshot(**figures) -> dict:
    return {"title": "质量知识进社区", "content": "宣传。", "effect": "", "figures": figures}


def test_two_places_kept_by_older_versions_are_no_change():
    assert compare(snapshot(参与人数="86.00"), snapshot(参与人数="86")) == []
    assert compare(snapshot(宣传时长="86.50"), snapshot(宣传时长="86.5")) == []


def test_a_changed_figure_is_shown_plainly_beside_the_same_ones():
    (change,) = compare(
        snapshot(参与人数="86.00", 宣传时长="86.50"), snapshot(参与人数="86", 宣传时长="90")
    )
    assert change.label == "数据"
    assert [(line.kind, line.text) for line in change.lines] == [
        ("same", "参与人数：86"),
        ("removed", "宣传时长：86.5"),
        ("added", "宣传时长：90"),
    ]


def test_a_figure_added_or_removed():
    (change,) = compare(snapshot(参与人数="86.00"), snapshot(发放资料份数="300"))
    assert [(line.kind, line.text) for line in change.lines] == [
        ("removed", "参与人数：86"),
        ("added", "发放资料份数：300"),
    ]
