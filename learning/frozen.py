"""Read-only collections for loaded content.

One loaded course is cached and shared by every browser session on the server, so nothing may
change it after loading. :class:`FrozenList` and :class:`FrozenDict` are a list and a dict that
refuse every change; they still compare equal to, copy and pickle like the plain ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NoReturn, Protocol, TypeVar

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")


class FrozenList(list[T]):
    """A list that raises ``TypeError`` on every change once built.

    It stays a list so it reads like one (indexing, slicing, ``index``, ``len``; it compares equal
    to an ordinary list with the same items, so ``course.problems == []`` holds), but ``append``,
    item assignment, ``sort`` and the rest are refused. ``+`` builds a new ordinary list.
    """

    __slots__ = ()

    def __init__(self, items: Iterable[T] = ()) -> None:
        if len(self):
            _refuse()
        super().__init__(items)

    def append(self, *_args: object, **_kwargs: object) -> NoReturn:
        _refuse()

    def extend(self, *_args: object, **_kwargs: object) -> NoReturn:
        _refuse()

    def insert(self, *_args: object, **_kwargs: object) -> NoReturn:
        _refuse()

    def remove(self, *_args: object, **_kwargs: object) -> NoReturn:
        _refuse()

    def pop(self, *_args: object, **_kwargs: object) -> NoReturn:
        _refuse()

    def clear(self, *_args: object, **_kwargs: object) -> NoReturn:
        _refuse()

    def sort(self, *_args: object, **_kwargs: object) -> NoReturn:
        _refuse()

    def reverse(self, *_args: object, **_kwargs: object) -> NoReturn:
        _refuse()

    def __setitem__(self, *_args: object, **_kwargs: object) -> NoReturn:
        _refuse()

    def __delitem__(self, *_args: object, **_kwargs: object) -> NoReturn:
        _refuse()

    # mypy wants += to match +, which builds a new list; here += is refused instead.
    def __iadd__(self, _other: object, /) -> NoReturn:  # type: ignore[misc]
        _refuse()

    def __imul__(self, *_args: object, **_kwargs: object) -> NoReturn:
        _refuse()

    def __copy__(self) -> FrozenList[T]:
        return self

    def __reduce__(self) -> tuple[type[FrozenList[T]], tuple[list[T]]]:
        return type(self), (list(self),)


class FrozenDict(dict[K, V]):
    """A dict that raises ``TypeError`` on every change once built; otherwise an ordinary dict."""

    __slots__ = ()

    def __init__(self, items: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        if len(self):
            _refuse()
        super().__init__(items)

    def __setitem__(self, *_args: object, **_kwargs: object) -> NoReturn:
        _refuse()

    def __delitem__(self, *_args: object, **_kwargs: object) -> NoReturn:
        _refuse()

    def clear(self, *_args: object, **_kwargs: object) -> NoReturn:
        _refuse()

    def pop(self, *_args: object, **_kwargs: object) -> NoReturn:
        _refuse()

    def popitem(self, *_args: object, **_kwargs: object) -> NoReturn:
        _refuse()

    def setdefault(self, *_args: object, **_kwargs: object) -> NoReturn:
        _refuse()

    def update(self, *_args: object, **_kwargs: object) -> NoReturn:
        _refuse()

    def __ior__(self, _other: object, /) -> NoReturn:  # type: ignore[misc]
        _refuse()

    def __copy__(self) -> FrozenDict[K, V]:
        return self

    def __reduce__(self) -> tuple[type[FrozenDict[K, V]], tuple[dict[K, V]]]:
        return type(self), (dict(self),)


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


_Identified = TypeVar("_Identified", bound=_HasId)


def by_id(items: Iterable[_Identified]) -> FrozenDict[str, _Identified]:
    """Items by their ``id``; of a repeated id the first wins, as a scan from the start finds it."""
    index: dict[str, _Identified] = {}
    for item in items:
        index.setdefault(item.id, item)
    return FrozenDict(index)


def _refuse() -> NoReturn:
    raise TypeError("a frozen collection cannot be changed (the loaded course is shared by every session)")
