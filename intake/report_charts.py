"""Charts drawn on the server with matplotlib (Agg, PNG bytes): the monthly report's bars by
type and by service and line by day, and the model page's scores. The one module that
imports matplotlib."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on a server; set before anything draws

from matplotlib.axis import Axis  # noqa: E402  (after choosing the backend)
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

GREEN, GOLD = "#235b4e", "#bc955c"
MAX_BARS = 12  # more services than this are summed as "Otros"


def _whole_numbers(axis: Axis) -> None:
    """Ticks only at whole numbers: the charts count documents."""
    locator = axis.get_major_locator()
    if isinstance(locator, MaxNLocator):  # matplotlib's default AutoLocator is one
        locator.set_params(integer=True)


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return buf.getvalue()


def bars(counts: dict[str, int] | dict[str, float], title: str,
         names: dict[str, str] | None = None, xlabel: str = "Documentos",
         fmt: Callable[[float], str] = str, xmax: float | None = None) -> bytes:
    """Horizontal bars in the given order, top to bottom, with their values (labels can be
    long); past MAX_BARS the smallest are summed as "Otros"."""
    items = list(counts.items())
    if len(items) > MAX_BARS:
        items = sorted(items, key=lambda kv: -kv[1])
        items = [*items[:MAX_BARS - 1], ("Otros", sum(v for _k, v in items[MAX_BARS - 1:]))]
    labels = [(names or {}).get(k, k) for k, _v in items][::-1]
    values = [v for _k, v in items][::-1]
    fig = Figure(figsize=(7, max(2.2, 0.42 * len(items) + 1.1)), layout="constrained")
    ax = fig.add_subplot()
    ax.barh(labels or ["Sin documentos"], values or [0], color=GREEN)
    for y, v in enumerate(values):
        ax.annotate(fmt(v), (v, y), xytext=(3, 0), textcoords="offset points", va="center",
                    fontsize=9)
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    ax.set_xlabel(xlabel)
    ax.spines[["top", "right"]].set_visible(False)
    if xmax is not None:
        ax.set_xlim(0, xmax)
    else:
        _whole_numbers(ax.xaxis)
    return _png(fig)


def line(per_day: dict[str, int], title: str) -> bytes:
    """Documents received each day of the month."""
    days = list(per_day)
    values = [per_day[d] for d in days]
    fig = Figure(figsize=(12, 3), layout="constrained")  # shown across the page
    ax = fig.add_subplot()
    x = [int(d[-2:]) for d in days]
    ax.plot(x, values, color=GREEN, marker="o", markersize=3)
    ax.fill_between(x, values, color=GOLD, alpha=0.15)
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    ax.set_xlabel("Día del mes")
    ax.set_ylabel("Documentos")
    ax.set_xlim(1, max(x) if x else 31)
    ax.set_ylim(bottom=0)
    _whole_numbers(ax.yaxis)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def report_charts(report: dict[str, Any]) -> dict[str, bytes]:
    """The three charts of a `intake.report.monthly_report` result, as PNG bytes."""
    names = report["nombres"]["tipos"]
    return {
        "tipos": bars(report["por_tipo"], "Peticiones por tipo", names),
        "servicios": bars(report["por_servicio"], "Peticiones por servicio"),
        "dias": line(report["por_dia"], "Documentos recibidos por día"),
    }
