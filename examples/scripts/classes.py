"""Class machinery: slots, properties and descriptors, metaclasses and
their lighter alternative `__init_subclass__`, `__new__`, abstract base
classes, enums and generics (the `TypeVar` spelling and the 3.12 one)."""

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, StrEnum, auto
from functools import cached_property
from typing import Generic, ParamSpec, TypeVar

T = TypeVar("T")
P = ParamSpec("P")


class Point:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y


@dataclass(slots=True, frozen=True)
class Money:
    amount: int
    currency: str = "EUR"


class Positive:
    """A descriptor: validates the attribute on every assignment."""

    def __set_name__(self, owner, name):
        self.name = "_" + name

    def __get__(self, obj, objtype=None):
        return getattr(obj, self.name)

    def __set__(self, obj, value):
        if value <= 0:
            raise ValueError(f"{self.name[1:]} must be positive")
        setattr(obj, self.name, value)


class Product:
    price = Positive()

    def __init__(self, name, price, reviews):
        self.name = name
        self.price = price
        self.reviews = reviews

    @property
    def label(self):
        return f"{self.name} ({self.price})"

    @cached_property
    def rating(self):
        return sum(r.stars for r in self.reviews) / max(len(self.reviews), 1)


# --- Registries: a metaclass, and the same with __init_subclass__ ----------


class PluginMeta(type):
    registry = {}

    def __new__(mcls, name, bases, namespace):
        cls = super().__new__(mcls, name, bases, namespace)
        if bases:
            mcls.registry[name.lower()] = cls
        return cls


class Plugin(metaclass=PluginMeta):
    pass


class Exporter:
    formats = {}

    def __init_subclass__(cls, /, fmt, **kwargs):
        super().__init_subclass__(**kwargs)
        Exporter.formats[fmt] = cls


class CsvExporter(Exporter, fmt="csv"):
    pass


class Singleton:
    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance


# --- Abstract base classes and enums ----------------------------------------


class Storage(ABC):
    @abstractmethod
    def save(self, key: str, data: bytes) -> None: ...


class MemoryStorage(Storage):
    def __init__(self):
        self.blobs = {}

    def save(self, key, data):
        self.blobs[key] = data


class Color(Enum):
    RED = auto()
    GREEN = auto()


class Status(str, Enum):
    DRAFT = "draft"
    PUBLISHED = "published"


class Priority(StrEnum):
    LOW = auto()
    HIGH = auto()


# --- Generics ---------------------------------------------------------------


class Box(Generic[T]):
    def __init__(self, item: T):
        self.item = item


def logged(func: Callable[P, T]) -> Callable[P, T]:
    return func


class Stack[T]:
    def __init__(self) -> None:
        self.items: list[T] = []

    def push(self, item: T) -> None:
        self.items.append(item)


def first[T](items: list[T]) -> T:
    return items[0]


type Pair[T] = tuple[T, T]
