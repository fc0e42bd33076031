from xindang.core import holds


def test_holds_come_from_every_registered_source(monkeypatch):
    monkeypatch.setattr(holds, "_SOURCES", [])
    holds.register_hold_source(lambda c: [holds.Hold("a.one", f"one {c}")])
    second = lambda c: [holds.Hold("b.two", "two")] if c == "x" else []  # noqa: E731
    holds.register_hold_source(second)
    holds.register_hold_source(second)  # registering twice counts once
    assert [h.source for h in holds.holds_on("x")] == ["a.one", "b.two"]
    assert [h.source for h in holds.holds_on("y")] == ["a.one"]
