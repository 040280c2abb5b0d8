"""Derived figures written as formulas over indicators. No Django here.

An admin writes ``合格台数 / 检定台数`` (合格率) or ``{发放资料份数} / {活动场次}``: indicator names
either bare, when they read as one word, or in braces, when they hold anything else (brackets,
digits first, spaces). Only numbers, the four operations and parentheses are allowed. simpleeval
does the evaluating, with every function and attribute access switched off; this module checks
what an admin typed and names what is wrong in Chinese before the formula is saved.

A formula is evaluated over totals (the rate of sums, never the mean of rates); a total that is
missing or a division by zero gives ``None``, which pages show as "—".
"""

from __future__ import annotations

import ast
import decimal
import operator
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from simpleeval import SimpleEval

_BRACED = re.compile(r"\{([^{}]+)\}")
_OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}
_ALLOWED_NODES = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.Constant,
    ast.Name,
    ast.Load,
    *_OPERATORS,
)
MAX_LENGTH = 200
_FULL_WIDTH = str.maketrans(
    {"（": "(", "）": ")", "×": "*", "÷": "/", "＋": "+", "－": "-", "／": "/"}
)


class FormulaError(ValueError):
    """A formula that cannot be used; the message says why, in Chinese."""


@dataclass(frozen=True)
class Formula:
    """A checked formula: its text as typed, and the indicator names it uses."""

    expression: str
    names: tuple[str, ...]
    _source: str  # the expression with every name replaced by a placeholder
    _placeholders: tuple[tuple[str, str], ...]  # (placeholder, indicator name)
    _constants: tuple[tuple[str, Decimal], ...]  # (placeholder, number)

    def evaluate(self, totals: Mapping[str, Decimal | int | None]) -> Decimal | None:
        """The formula's value over ``totals`` (indicator name → total), or None when a total
        is missing or the formula divides by zero."""
        names = dict(self._constants)
        for placeholder, name in self._placeholders:
            value = totals.get(name)
            if value is None:
                return None
            names[placeholder] = Decimal(value)
        evaluator = SimpleEval(operators=_OPERATORS, functions={}, names=names)
        try:
            result = evaluator.eval(self._source)
        except (ZeroDivisionError, decimal.DivisionByZero, decimal.InvalidOperation):
            return None
        return Decimal(result)


def parse(expression: str, known: Iterable[str]) -> Formula:
    """Check ``expression`` against the indicator names ``known`` and return it ready to use.

    Raises ``FormulaError`` for an empty or too long formula, a syntax error, anything but
    numbers, + - * / and parentheses, or a name that is not one of ``known``.
    """
    text = expression.strip()
    if not text:
        raise FormulaError("请填写公式，例如：合格台数 / 检定台数")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"公式过长（不超过 {MAX_LENGTH} 个字符）。")
    known = set(known)
    placeholders: dict[str, str] = {}

    def placeholder(name: str) -> str:
        name = name.strip()
        for key, value in placeholders.items():
            if value == name:
                return key
        key = f"_v{len(placeholders)}"
        placeholders[key] = name
        return key

    # Braced names first, so the brackets inside them stay as typed; then the full-width
    # brackets and operators people type become Python's.
    source = _BRACED.sub(lambda match: placeholder(match.group(1)), text)
    source = source.translate(_FULL_WIDTH)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        raise FormulaError(
            "公式写法有误，请只使用指标名称、数字、+ - * / 和括号；"
            "名称中含有括号、数字或空格时请用 {} 括起来。"
        ) from error
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise FormulaError("公式只能使用指标名称、数字、+ - * / 和括号。")
        if isinstance(node, ast.Constant) and not isinstance(node.value, int | float):
            raise FormulaError("公式只能使用指标名称、数字、+ - * / 和括号。")
        if isinstance(node, ast.Name) and node.id not in placeholders:
            placeholder(node.id)
    unknown = [name for name in placeholders.values() if name not in known]
    if unknown:
        raise FormulaError(f"没有名为“{unknown[0]}”的指标，请核对指标名称。")
    if not placeholders:
        raise FormulaError("公式中至少要用到一个指标。")
    # Bare names become placeholders too, so every name reaches simpleeval the same way.
    # Numbers become named Decimals, so that 0.5 × a Decimal total stays exact.
    by_name = {name: key for key, name in placeholders.items()}
    constants: dict[str, Decimal] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            node.id = by_name.get(node.id, node.id)
        elif isinstance(node, ast.BinOp | ast.UnaryOp):
            for field in ("left", "right", "operand"):
                child = getattr(node, field, None)
                if isinstance(child, ast.Constant):
                    key = f"_c{len(constants)}"
                    constants[key] = Decimal(str(child.value))
                    setattr(node, field, ast.Name(id=key, ctx=ast.Load()))
    return Formula(
        expression=expression.strip(),
        names=tuple(dict.fromkeys(placeholders.values())),
        _source=ast.unparse(tree),
        _placeholders=tuple(placeholders.items()),
        _constants=tuple(constants.items()),
    )
