"""Core Python beyond the basics: closures and scopes, context managers,
exception groups and notes, caching, and `match`. Two classic traps are
here too: callbacks created in a loop that all see the last value, and a
`case` that captures instead of comparing."""

import functools
from contextlib import ExitStack, contextmanager
from functools import lru_cache

HTTP_OK = 200


# --- Closures and scopes ---------------------------------------------------


def make_buttons(labels):
    handlers = {}
    for label in labels:
        # Every handler prints the last label: the lambda reads `label` when
        # it is called, after the loop has finished.
        handlers[label] = lambda: print(f"clicked {label}")
    return handlers


def make_counter():
    count = 0

    def increment():
        nonlocal count
        count += 1
        return count

    return increment


def long_words(lines):
    # `:=` binds `n` in this function, not only inside the comprehension.
    return [(line, n) for line in lines if (n := len(line.split())) > 10]


class Pricing:
    VAT = 0.2
    BASE_PRICES = [10, 20, 50]
    # The comprehension can't see the class-level VAT: NameError on import.
    WITH_VAT = [price * (1 + VAT) for price in BASE_PRICES]


# --- Context managers ------------------------------------------------------


@contextmanager
def opened_report(path):
    report = open(path, "w", encoding="utf-8")
    try:
        yield report
    finally:
        report.close()


def merge_files(paths, out_path):
    with ExitStack() as stack:
        files = [stack.enter_context(open(p, encoding="utf-8")) for p in paths]
        with opened_report(out_path) as out:
            for f in files:
                out.write(f.read())


# --- Exception groups and notes --------------------------------------------


def validate(rows):
    errors = []
    for number, row in enumerate(rows, start=1):
        try:
            int(row["quantity"])
        except (KeyError, ValueError) as exc:
            exc.add_note(f"row {number}: {row!r}")
            errors.append(exc)
    if errors:
        raise ExceptionGroup("invalid rows", errors)


def import_rows(rows):
    try:
        validate(rows)
    except* KeyError as group:
        print(f"{len(group.exceptions)} rows miss a column")
    except* ValueError as group:
        print(f"{len(group.exceptions)} rows have a bad quantity")


# --- Caching ----------------------------------------------------------------


@lru_cache(maxsize=1024)
def exchange_rate(currency, day):
    return 1.0 if currency == "EUR" else 1.1


class Invoice:
    def __init__(self, lines):
        self.lines = lines

    # The cache is shared by every Invoice and keeps each one alive.
    @functools.cache
    def total(self):
        return sum(line.amount for line in self.lines)


# --- Structural pattern matching --------------------------------------------


def describe(response):
    match response:
        case {"status": 200, "body": body}:
            return f"ok: {body}"
        case {"status": status, "error": message} if status >= 500:
            return f"server error {status}: {message}"
        case [HTTP_OK, body]:
            # Meant "a 200 tuple"; HTTP_OK is a capture, so this matches any
            # pair and rebinds the constant.
            return f"ok: {body}"
        case _:
            return "unexpected response"
