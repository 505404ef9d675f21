"""The audit trail's export translates each label once a file (grids.services.audit.export_rows):
its rows must read exactly as the page's own per-entry labels do."""

from django.utils import timezone, translation

from grids.models import AuditEntry
from grids.services import audit


def _expected(entry):
    model = entry.content_type.model_class()
    changes = "；".join(f"{label}: {old} → {new}" for label, old, new in audit.change_rows(entry))
    if entry.additional_data:
        changes = changes or ", ".join(f"{k}={v}" for k, v in entry.additional_data.items())
    return [
        timezone.localtime(entry.timestamp).replace(tzinfo=None),
        entry.get_kind_display(),
        entry.get_action_display(),
        str(model._meta.verbose_name),
        entry.object_repr,
        entry.object_pk,
        entry.actor_name,
        entry.remote_addr or "",
        entry.unit_path,
        changes,
    ]


def test_the_export_rows_equal_each_entrys_own_labels(tree):
    tree.community1.name = "改名社区"
    tree.community1.save()
    tree.street1.name = "改名街道"
    tree.street1.save()
    entries = AuditEntry.objects.select_related("content_type").order_by("pk")
    with translation.override("zh-hans"):
        header, *rows = audit.export_rows(entries)
        expected = [_expected(entry) for entry in entries]
    assert len(rows) == entries.count() >= 2
    assert rows == expected
    renamed = next(row for row in rows if "改名社区" in row[-1])
    assert renamed[1:4] == ["变更", "修改", "单位"] and "名称" in renamed[-1]
