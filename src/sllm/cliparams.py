"""Plain argument conversion for the CLI's str, int, bool and Path parameters.

typer 0.29 converts every parsed parameter through a pydantic TypeAdapter, and
building the first one imports pydantic's schema machinery: about 50 ms, most of
a bare typer app's start-up, spent before sllm does anything. Every sllm
parameter is a str, int, bool or Path, or a list of one of those, which need no
schema. ``PlainGroup`` fills typer's lazy per-parameter converter with a plain
one for exactly those types and leaves any other parameter to typer.

This leans on typer internals (``_TyperParameter._runtime_param`` and
``typer._coercion.RuntimeParam``). If they change shape, nothing is installed
and typer's own conversion runs: slower, never wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, get_args, get_origin

from typer.core import TyperGroup

try:  # the internals this module fills in; absent, typer does its own work
    from typer._click.exceptions import BadParameter
    from typer._coercion import RuntimeParam
    from typer._param_types import coerce_cli_path
except ImportError:  # pragma: no cover - depends on the installed typer
    RuntimeParam = None  # type: ignore[assignment,misc]

_WHOLE = re.compile(r"[+-]?[0-9]+")


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise ValueError(f"{value!r} is not text")


def _whole(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    if _WHOLE.fullmatch(text):
        return int(text)
    raise ValueError(f"{str(value)!r} is not a whole number")


def _bounded(number: int, low: Any, high: Any) -> int:
    if low is not None and number < low:
        raise ValueError(f"{number} is below the minimum, {low}")
    if high is not None and number > high:
        raise ValueError(f"{number} is above the maximum, {high}")
    return number


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"{value!r} is not true or false")


if RuntimeParam is not None:

    @dataclass(frozen=True)
    class PlainParam(RuntimeParam):  # type: ignore[misc,valid-type]
        """typer's None/multiple handling, then a plain conversion per value."""

        convert: Callable[[Any, Any, Any], Any]
        many: bool

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            if not self.many:
                return self._one(value, param, ctx)
            if not isinstance(value, (list, tuple)):
                value = [value]
            return [self._one(item, param, ctx) for item in value]

        def _one(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                return self.convert(value, param, ctx)
            except ValueError as exc:
                raise BadParameter(str(exc), ctx=ctx, param=param) from None


def _converter(annotation: Any, info: Any) -> Callable[[Any, Any, Any], Any] | None:
    """The plain conversion for one leaf annotation, or None to leave it to typer."""
    if info.parser is not None or getattr(info, "click_type", None) is not None:
        return None
    if annotation is str:
        return lambda value, param, ctx: _text(value)
    if annotation is int and not info.clamp:
        return lambda value, param, ctx: _bounded(_whole(value), info.min, info.max)
    if annotation is bool:
        return lambda value, param, ctx: _flag(value)
    if annotation is Path and info.path_type is None:
        # typer's own checks (exists, file_okay, ...), handed a Path so that it
        # does not build a TypeAdapter to make one
        return lambda value, param, ctx: coerce_cli_path(
            value if isinstance(value, Path) else Path(_text(value)),
            info, path_type=Path, param=param, ctx=ctx)
    return None


def _display(param: Any) -> Callable[[Any], Any]:
    """What ``--help`` shows after an option: nothing for a flag, else its metavar
    (``N``, ``[table|json]``), never a Python type name such as ``<list[str]>``."""
    def display(ctx: Any = None) -> Any:
        if getattr(param, "is_flag", False) or getattr(param, "count", False):
            return None
        if getattr(param, "param_type_name", "") == "argument":
            return None  # the argument's metavar is already its name
        if param.metavar:
            return param.metavar
        annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
        if get_origin(annotation) is list:
            (annotation,) = get_args(annotation)
        return {int: "N", Path: "PATH"}.get(annotation, "TEXT")

    return display


def _plain_help(param: Any) -> None:
    param.display_type_rich = _display(param)
    param.display_type = _display(param)
    param._get_number_range_help_str = lambda: ""


def install(command: Any, ctx: Any) -> None:
    """Give each parameter of ``command`` (its help option too) a plain converter where one
    fits, and a plain description in ``--help``."""
    for param in command.get_params(ctx):
        _plain_help(param)
    if RuntimeParam is None:  # pragma: no cover
        return
    for param in command.get_params(ctx):
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or getattr(param, "_runtime_param", False) is not None:
            continue
        if descriptor.file_annotation is not None:
            continue
        annotation, many = descriptor.annotation, False
        if get_origin(annotation) is list:
            (annotation,), many = get_args(annotation), True
        convert = _converter(annotation, descriptor.parameter_info)
        if convert is not None:
            param._runtime_param = PlainParam(
                parameter_info=descriptor.parameter_info,
                annotation=descriptor.annotation,
                convert=convert,
                many=many,
            )


class PlainGroup(TyperGroup):
    """A typer group whose commands convert plain parameters without pydantic."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        install(self, ctx)
        return super().parse_args(ctx, args)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            install(command, ctx)
        return command
