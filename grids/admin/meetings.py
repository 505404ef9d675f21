"""Admin of organisational life. A district's meeting frequencies are edited here (data, per
district); meetings are planned and attendance taken on the staff pages, whose services set the
quorum, so attendance and attachments are read only here."""

from django.contrib import admin

from ..models import Attendance, Meeting, MeetingAttachment, MeetingRule
from .base import ReadOnlyAdmin, ScopedAdmin


@admin.register(MeetingRule)
class MeetingRuleAdmin(ScopedAdmin):
    list_display = ["district", "kind", "frequency"]
    list_filter = ["kind", "frequency"]
    list_select_related = ["district"]


@admin.register(Meeting)
class MeetingAdmin(ScopedAdmin):
    list_display = ["topic", "kind", "unit", "starts_at", "attendance_taken", "valid"]
    list_filter = ["kind", "valid"]
    search_fields = ["topic", "unit__name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["attendance_taken", "entitled", "present_voting", "valid"]
    exclude = ["created_by"]


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ["member", "meeting", "presence", "voting"]
    list_filter = ["presence"]
    search_fields = ["member__name", "meeting__topic"]
    list_select_related = ["member", "meeting"]


@admin.register(MeetingAttachment)
class MeetingAttachmentAdmin(ReadOnlyAdmin):
    list_display = ["caption", "meeting", "uploaded_at"]
    search_fields = ["caption", "meeting__topic"]
    list_select_related = ["meeting"]
