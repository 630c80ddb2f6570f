"""Template helpers of the public pages: bar charts drawn in HTML/CSS, yes/no cells, paging links."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.inclusion_tag("public/_bars.html")
def bar_chart(rows, title, limit=None, empty=None):
    """Horizontal bars, each as wide as its count relative to the largest one (width unlocalised, for CSS).

    `empty`: what to say when there is nothing to draw (by default, that no site matches).
    """
    rows = list(rows)[:limit] if limit else list(rows)
    largest = max((row["count"] for row in rows), default=0) or 1
    bars = [
        {"label": row["label"], "count": row["count"], "width": f"{100 * row['count'] / largest:.1f}"}
        for row in rows
    ]
    return {"bars": bars, "title": title, "empty": empty}


@register.filter
def yes_no(value):
    if value is None:
        return "–"
    return _("yes") if value else _("no")


@register.simple_tag
def page_query(query, page_number):
    """The query string of another page of the same filter."""
    return f"?{query}&page={page_number}" if query else f"?page={page_number}"


@register.filter
def percent(value):
    """A key-figure percentage ("12.5%", "12,5 %" in French), or a dash when nothing was recorded."""
    if value is None:
        return "–"
    return _("%(percent)s%%") % {"percent": number_format(value)}
