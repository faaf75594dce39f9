"""Tables that read on a phone: every cell carries its column's name (`data-label`), so a narrow screen can show
each row as a small card of label and value instead of cutting columns off (the page's CSS does the folding)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape


def cell(value: object, label: str, raw: bool = False, attrs: str = "") -> str:
    """One `<td>`; `raw` marks a value that is already HTML (a chart, a link)."""
    text = str(value) if raw else escape("" if value is None else str(value))
    return f"<td data-label='{escape(label)}'{attrs}>{text}</td>"


def table(
    headers: Sequence[str],
    rows: Sequence[tuple[str, Sequence[object]]],
    *,
    table_id: str = "",
    classes: str = "",
    raw: Sequence[int] = (),
) -> str:
    """`rows` are (attributes for the `<tr>`, cell values); columns listed in `raw` hold HTML already."""
    head = "".join(f"<th scope='col'>{escape(h)}</th>" for h in headers)
    body = "".join(
        f"<tr{(' ' + attrs) if attrs else ''}>"
        + "".join(cell(v, headers[i], raw=i in raw) for i, v in enumerate(values))
        + "</tr>"
        for attrs, values in rows
    )
    ident = f" id='{escape(table_id)}'" if table_id else ""
    return f"<table{ident} class='fold {escape(classes)}'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
