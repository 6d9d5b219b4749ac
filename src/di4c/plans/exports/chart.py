"""The radar chart of the maturity scores by dimension (matplotlib, imported when drawn)."""

import io
from decimal import Decimal


def radar_chart(dimensions: list[tuple[str, Decimal]]) -> bytes:
    """A radar chart of the dimension scores (0-100), as PNG bytes."""
    import math
    import textwrap

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    values = [float(score) for _name, score in dimensions]
    angles = [2 * math.pi * index / len(values) for index in range(len(values))]
    figure = Figure(figsize=(7, 6), dpi=150)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(projection="polar")
    figure.subplots_adjust(left=0.22, right=0.78, bottom=0.14, top=0.86)
    axes.set_theta_offset(math.pi / 2)
    axes.set_theta_direction(-1)  # clockwise from the top, as the dimensions are read
    closed = [*angles, angles[0]], [*values, values[0]]
    axes.plot(*closed, color="#1f5f8b", linewidth=2)
    axes.fill(*closed, color="#1f5f8b", alpha=0.25)
    axes.set_ylim(0, 100)
    axes.set_yticks([20, 40, 60, 80, 100])
    axes.set_yticklabels(["20", "40", "60", "80", "100"], fontsize=7, color="#555555")
    axes.set_rlabel_position(math.degrees(angles[1]) / 2 if len(angles) > 1 else 0)
    axes.set_xticks(angles)
    axes.set_xticklabels([])
    axes.grid(color="#bbbbbb", linewidth=0.6)
    # Each name outside the circle, aligned away from it, so that none runs over the chart.
    for angle, (name, _score) in zip(angles, dimensions, strict=True):
        x, y = math.sin(angle), math.cos(angle)
        axes.text(
            angle,
            110,
            textwrap.fill(name, 24),
            fontsize=8,
            ha="left" if x > 0.1 else "right" if x < -0.1 else "center",
            va="bottom" if y > 0.1 else "top" if y < -0.1 else "center",
        )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
