"""Everyday Python with some classic traps."""

import cProfile
import gc
import pstats
import tracemalloc
import weakref
from dataclasses import dataclass
from typing import Protocol, TypeGuard

from pydantic import BaseModel


def add_item(item, bucket=[]):
    bucket.append(item)
    return bucket


def timed(func):
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


@timed
def lookup(key, table):
    if key in table.keys():
        return table[key]
    return None


def squares(n):
    for i in range(n):
        yield i * i


def chained(*iterables):
    for it in iterables:
        yield from it


def summarize(values, flag, count):
    total = sum([v * 2 for v in values])
    if count is 0:
        return None
    if flag == True:
        total += 1
    if values == None:
        return 0
    return total


class Base:
    def __init__(self, name):
        self.name = name


class Mixin:
    def describe(self):
        return f"<{self.name}>"


class Widget(Mixin, Base):
    def __init__(self, name, size):
        super().__init__(name)
        self.size = size

    def __eq__(self, other):
        return isinstance(other, Widget) and self.size == other.size

    def __call__(self, factor):
        return self.size * factor


@dataclass
class Point:
    x: float
    y: float


class User(BaseModel):
    name: str
    age: int


class Greeter(Protocol):
    def greet(self) -> str: ...


def is_str_list(values: list[object]) -> TypeGuard[list[str]]:
    return all(isinstance(v, str) for v in values)


def profile_and_measure() -> None:
    tracemalloc.start()
    profiler = cProfile.Profile()
    profiler.enable()
    summarize(list(squares(1000)), True, 3)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(5)
    cache = weakref.WeakValueDictionary()
    cache["w"] = Widget("w", 3)
    gc.collect()
