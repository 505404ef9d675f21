"""The audit trail's export translates each label once a file (grids.services.audit.export_rows):
its rows must read exactly as the page's own per-entry labels do."""

from django.utils import translation

from grids.models import AuditEntry
from grids.services import audit


def test_the_export_rows_equal_each_entrys_own_labels(tree):
    tree.community1.name = "改名社区"
    tree.community1.save()
    tree.street1.name = "改名街道"
    tree.street1.save()
    entries = AuditEntry.objects.select_related("content_type").order_by("pk")
    with translation.override("zh-hans"):
        header, *rows = audit.export_rows(entries)
        assert len(rows) == entries.count() >= 2
        for row, entry in zip(rows, entries, strict=True):
            model = entry.content_type.model_class()
            own = [entry.get_kind_display(), entry.get_action_display(), model._meta.verbose_name]
            assert row[1:4] == [str(label) for label in own]
            said = [f"{label}: {old} → {new}" for label, old, new in audit.change_rows(entry)]
            assert row[-1] == "；".join(said) or entry.additional_data
    renamed = next(row for row in rows if "改名社区" in row[-1])
    assert renamed[1:4] == ["变更", "修改", "单位"] and "名称" in renamed[-1]
