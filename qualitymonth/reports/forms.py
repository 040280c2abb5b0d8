"""The report form: what the reporter types, and the same text shown back when it is refused."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qualitymonth.core.chinese import plain_number

from .models import Report

TEXT_FIELDS = ("title", "content", "effect")


def figure_field(indicator_id: int) -> str:
    return f"figure-{indicator_id}"


class DraftForm(forms.Form):
    """A form of a document saved as it is typed (a report, a unit summary)."""

    def sent(self, *names: str) -> dict[str, str | None]:
        """The named fields the request carries, cleaned, for a service that saves what it is
        given: a field the form refuses (a title left empty or too long) is given as ``None``,
        which keeps what was saved before."""
        return {
            name: None if name in self.errors else self.cleaned_data[name]
            for name in names
            if name in self.data
        }


class ReportForm(DraftForm):
    """The narrative, one text field per indicator and the links of a report.

    The figures are text here: ``services.save_draft`` is what checks them (the autosave and the
    full form alike) and its problems come back onto their fields with ``add_problems``. A bound
    form shows what was typed, so a refused "-5" or "12.5" stays in its field next to its error
    while the figure saved before stays saved.
    """

    title = forms.CharField(
        label=_("标题"), max_length=200, error_messages={"required": _("请填写标题。")}
    )
    content = forms.CharField(
        label=_("活动内容"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    effect = forms.CharField(
        label=_("活动成效"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    links = forms.CharField(
        label=_("媒体报道链接（每行一个：网址 标题）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, report: Report, data=None, *, figures: dict[int, object] | None = None):
        """``figures``, by indicator id, are what an unbound form shows (as people write them);
        a bound one shows ``data``, as typed."""
        self.indicators = list(report.item.indicators.all())
        initial = {
            "title": report.title,
            "content": report.content,
            "effect": report.effect,
            "links": "\n".join(f"{link.url} {link.title}".strip() for link in report.links.all()),
        }
        for indicator_id, value in (figures or {}).items():
            initial[figure_field(indicator_id)] = plain_number(value)
        super().__init__(data, initial=initial)
        for indicator in self.indicators:
            integer = indicator.value_type == indicator.ValueType.INTEGER
            self.fields[figure_field(indicator.pk)] = forms.CharField(
                label=f"{indicator.name}（{indicator.unit}）" if indicator.unit else indicator.name,
                required=False,
                widget=forms.TextInput(
                    attrs={"class": "figure", "inputmode": "numeric" if integer else "decimal"}
                ),
            )

    def draft(self) -> dict:
        """The keyword arguments of ``services.save_draft``: each part the request carries,
        the figures as typed, for the service to check."""
        fields = self.sent(*TEXT_FIELDS)
        fields["figures"] = {
            indicator.pk: self.data[figure_field(indicator.pk)]
            for indicator in self.indicators
            if figure_field(indicator.pk) in self.data
        }
        if "links" in self.data:
            fields["links"] = _links(self.data["links"])
        return fields

    def add_problems(self, problems: dict[int, str]) -> None:
        """The service's refusals of typed figures, each on its field."""
        for indicator_id, problem in problems.items():
            self.add_error(figure_field(indicator_id), problem)


def _links(text: str) -> list[tuple[str, str]]:
    """One link a line, "URL title"; lines that are no web address are left out."""
    links = []
    for line in text.splitlines():
        url, _sep, label = line.strip().partition(" ")
        if url.startswith(("http://", "https://")):
            links.append((url, label.strip()))
    return links
