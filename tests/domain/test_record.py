"""``domain.record``: what the quick paths' value classes promise, the same as a frozen dataclass."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from herstel_tui.domain.record import record, replace


@record
class Point:
    x: int
    y: int = 0
    label: str | None = None


@dataclasses.dataclass(frozen=True)
class DataPoint:
    x: int
    y: int = 0
    label: str | None = None


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((1,), {}), ((1, 2), {}), ((1,), {"label": "a"}), ((), {"x": 3, "y": 4}), ((1, 2, "b"), {})],
)
def test_construction_matches_a_frozen_dataclass(args, kwargs):
    ours, theirs = Point(*args, **kwargs), DataPoint(*args, **kwargs)
    assert (ours.x, ours.y, ours.label) == (theirs.x, theirs.y, theirs.label)
    assert repr(ours) == repr(theirs).replace("DataPoint", "Point")


class Kept:
    """A base whose ``x`` is a descriptor: a record's field of that name is set through it."""

    seen: list[int] = []

    @property
    def x(self) -> int:
        return self.__dict__["_x"]

    @x.setter
    def x(self, value: int) -> None:
        Kept.seen.append(value)
        self.__dict__["_x"] = value


@record
class Described(Kept):
    x: int
    y: int


def test_every_field_by_position_as_by_keyword():
    """All fields by position (the quick way into __dict__) as by keyword; through a descriptor
    where a base has one of a field's name."""
    assert Point(1, 2, "a").__dict__ == Point(x=1, y=2, label="a").__dict__ == {"x": 1, "y": 2, "label": "a"}
    Kept.seen.clear()
    assert Described(5, 6).x == 5 and Described(x=7, y=8).x == 7
    assert Kept.seen == [5, 7]


def test_value_semantics():
    assert Point(1, 2) == Point(1, 2) and hash(Point(1, 2)) == hash(Point(1, 2))
    assert Point(1, 2) != Point(1, 3)
    assert Point(1) != DataPoint(1)  # another class is never equal
    assert {Point(1), Point(1)} == {Point(1)}


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((), {}), ((1, 2, "a", 4), {}), ((1,), {"x": 2}), ((1,), {"z": 2})],
)
def test_bad_construction_is_refused_like_a_dataclass(args, kwargs):
    with pytest.raises(TypeError):
        DataPoint(*args, **kwargs)
    with pytest.raises(TypeError):
        Point(*args, **kwargs)


def test_immutable_and_replace():
    p = Point(1, 2, "a")
    with pytest.raises(AttributeError):
        p.x = 5  # type: ignore[misc]
    q = replace(p, y=9)
    assert (q, p) == (Point(1, 9, "a"), Point(1, 2, "a"))
    with pytest.raises(TypeError):
        replace(p, z=1)


def test_defaults_do_not_linger_on_the_class():
    """A default lives on the instance; the class keeps no attribute that could shadow a field."""
    assert "y" not in Point.__dict__ and Point(1).y == 0


def test_quick_paths_do_not_import_dataclasses():
    """The reason this module exists: ``herstel zoek`` and the desk's list code load without it."""
    code = (
        "import sys; import herstel_tui.services.lookup, herstel_tui.settings.cache, "
        "herstel_tui.store.caselist; print('dataclasses' in sys.modules, 'platformdirs' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]
