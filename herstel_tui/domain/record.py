"""Small immutable value classes for the quick paths (``herstel zoek``, the desk's first paint).

``@record`` reads like ``@dataclass(frozen=True)`` and means the same to the type checker
(``dataclass_transform``), but is built from the class's annotations at import time without the
``dataclasses`` module, which pulls in ``inspect``, ``ast`` and ``dis``: about a third of what the
whole ``herstel zoek`` process may cost beside a bare sqlite3 lookup (issue 18). Everything else
in the package uses ``dataclasses``; only modules on a quick path use this, and
``tests/domain/test_record.py`` keeps the two equivalent for what they do here: keyword and
positional construction, defaults, ``==``, ``hash``, ``repr``, no assignment, ``replace``.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar, dataclass_transform

    T = TypeVar("T")
else:

    def dataclass_transform(**_kwargs):
        return lambda f: f


_MISSING = object()


@dataclass_transform(frozen_default=True)
def record(cls: type[T]) -> type[T]:
    """Give ``cls`` an ``__init__`` over its annotated fields (in order, defaults from the class
    body), value equality, a hash, a repr, and no assignment after construction."""
    names = tuple(n for n in cls.__dict__.get("__annotations__", {}) if not n.startswith("_"))
    defaults = {n: cls.__dict__[n] for n in names if n in cls.__dict__}
    for n in defaults:
        delattr(cls, n)  # the instance holds the value; the class keeps no shadowing attribute

    # Every field given by position (a row of the case list: 17 values, 200 rows a page) goes
    # straight into the instance's __dict__ (callgrind, 200 rows made: 12.4 -> 3.6 M instructions).
    # Only where that is the same thing: no descriptor of a field's name (a base's property);
    # looked at on the first such call (not at import: `herstel zoek` makes few records).
    count = len(names)
    direct: list[bool] = []

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if len(args) == count and not kwargs:
            if not direct:
                direct.append(not any(hasattr(type(getattr(cls, n, None)), "__set__") for n in names))
            if direct[0]:
                self.__dict__.update(zip(names, args))
                return
        if len(args) > len(names):
            raise TypeError(f"{cls.__name__}() takes {len(names)} arguments, {len(args)} given")
        values = dict(zip(names, args, strict=False))
        for key, value in kwargs.items():
            if key not in names or key in values:
                raise TypeError(f"{cls.__name__}() got an unexpected or repeated argument {key!r}")
            values[key] = value
        for n in names:
            value = values.get(n, defaults.get(n, _MISSING))
            if value is _MISSING:
                raise TypeError(f"{cls.__name__}() missing argument {n!r}")
            object.__setattr__(self, n, value)

    def _values(self: Any) -> tuple[Any, ...]:
        return tuple(getattr(self, n) for n in names)

    def __eq__(self: Any, other: object) -> bool:
        return other.__class__ is self.__class__ and _values(self) == _values(other)

    def __hash__(self: Any) -> int:
        return hash(_values(self))

    def __repr__(self: Any) -> str:
        return f"{cls.__name__}({', '.join(f'{n}={getattr(self, n)!r}' for n in names)})"

    def __setattr__(self: Any, name: str, value: Any) -> None:
        raise AttributeError(f"{cls.__name__} is immutable: use replace()")

    methods: dict[str, Callable[..., Any]] = {
        "__init__": __init__,
        "__eq__": __eq__,
        "__hash__": __hash__,
        "__repr__": __repr__,
        "__setattr__": __setattr__,
    }
    for key, fn in methods.items():
        setattr(cls, key, fn)
    cls.__record_fields__ = names  # type: ignore[attr-defined]
    return cls


def replace(obj: T, **changes: Any) -> T:
    """A copy of the record ``obj`` with ``changes`` (like ``dataclasses.replace``)."""
    names = type(obj).__record_fields__  # type: ignore[attr-defined]
    values = {n: getattr(obj, n) for n in names}
    values.update(changes)
    return type(obj)(**values)
