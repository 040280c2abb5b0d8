from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoRecord(models.Model):
    """What the demo has done to this database, so it does nothing twice and never takes
    people's work for its own.

    Two kinds of row. A step row (``step:samples``, no object) says the demo ran that step once,
    with a note when it left the step out and why; a step runs at most once per database, so a
    second run changes nothing, however people renamed, changed or deleted the demo's things
    since. An object row names one object the demo created (``unit:上海市/浦东新区``,
    ``campaign``, ``reports.report:17``); the demo finds its own things by these rows, never by
    their names, and puts sample work and notifications only into what it created.
    """

    key = models.CharField(_("标识"), max_length=200, unique=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    note = models.CharField(_("说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("演示数据记录")
        verbose_name_plural = _("演示数据记录")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.key
