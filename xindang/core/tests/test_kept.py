"""core.kept.Kept: a value is built once per key, and past its size the least recently used goes."""

from xindang.core.kept import Kept


def test_built_once_per_key_and_the_least_recently_used_dropped():
    kept, built = Kept(2), []

    def get(key):
        return kept.get_or_build(key, lambda: built.append(key) or f"value {key}")

    assert [get("a"), get("b"), get("a")] == ["value a", "value b", "value a"]
    assert built == ["a", "b"]
    get("c")  # "b" was used least recently: it goes, "a" stays
    get("a")
    get("b")
    assert built == ["a", "b", "c", "b"]
