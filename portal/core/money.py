"""Money: Decimal 元 with two places, summed exactly by the database. A leaf module."""

from decimal import Decimal

from django.db import models
from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce

ZERO = Decimal("0.00")
MONEY = {"max_digits": 14, "decimal_places": 2}


def money_field(verbose_name, **extra):
    return models.DecimalField(verbose_name, **MONEY, **extra)


def yuan(value):
    """An amount as text with exactly two decimals (messages, JSON): 100000 -> "100000.00"."""
    return f"{Decimal(value):.2f}"


class MoneySum(Sum):
    """SUM of money in 元, exact on SQLite too.

    SQLite keeps decimals as binary floats, so a plain SUM of 10,000 × 0.01 gives
    100.000000000014. Summing whole fen (ROUND(x * 100), exact integers in a double up to
    2**53) and dividing once gives the exact value for any total that fits 14 digits.
    PostgreSQL sums numeric exactly and needs no trick.
    """

    def __init__(self, expression, **extra):
        super().__init__(expression, output_field=DecimalField(**MONEY), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        extra_context["template"] = "(SUM(ROUND(%(expressions)s * 100)) / 100.0)"
        return super().as_sqlite(compiler, connection, **extra_context)


def coalesce_money(expression):
    """Coalesce a money sum to 0.00, typed as money (SQLite and PostgreSQL alike)."""
    return Coalesce(expression, Value(ZERO), output_field=DecimalField(**MONEY))


def format_yuan(value, *, grouping=True):
    """An amount for people to read: two decimals and thousands separators, the same in
    every language ("14,422,515.87"); None and "" stay empty."""
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"))
    return f"{amount:,.2f}" if grouping else f"{amount:.2f}"
