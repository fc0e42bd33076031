import pytest

from xindang.policy.rules import FieldChange, diff_sections

CASES = [
    ("identical", {"core": {"a": 1}}, {"core": {"a": 1}}, []),
    (
        "one value changed",
        {"core": {"a": 1, "b": "x"}},
        {"core": {"a": 2, "b": "x"}},
        [FieldChange("core", "a", 1, 2)],
    ),
    ("int and float of equal value are the same", {"core": {"a": 1}}, {"core": {"a": 1.0}}, []),
    ("true is not 1", {"core": {"a": 1}}, {"core": {"a": True}}, [FieldChange("core", "a", 1, True)]),
    ("a field added", {"core": {}}, {"core": {"a": 5}}, [FieldChange("core", "a", None, 5)]),
    ("a section added", {}, {"rating": {"a": 5}}, [FieldChange("rating", "a", None, 5)]),
    ("a section removed", {"rating": {"a": 5}}, {}, [FieldChange("rating", "a", 5, None)]),
    (
        "nested values compare whole",
        {"s": {"buckets": [30, 60]}},
        {"s": {"buckets": [30, 90]}},
        [FieldChange("s", "buckets", [30, 60], [30, 90])],
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_diff_sections(old, new, expected):
    assert diff_sections(old, new) == expected


def test_changes_follow_the_new_versions_order():
    old = {"core": {"a": 1, "b": 1, "c": 1}}
    new = {"core": {"c": 2, "a": 2, "b": 1}}
    assert [c.field for c in diff_sections(old, new)] == ["c", "a"]
