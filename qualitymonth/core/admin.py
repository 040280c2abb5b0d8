from django.contrib import admin

from .models import AuditEntry, SmsMessage
from .privacy import mask_phone


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log is read-only everywhere, including here."""

    list_display = ["created_at", "actor_name", "action", "target_type", "target_repr"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_name", "target_repr", "target_id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin):
    """The SMS outbox, numbers masked; messages are written by core.sms only."""

    list_display = ["created_at", "masked_mobile", "kind", "status", "text"]
    list_filter = ["status", "kind"]
    search_fields = ["ref", "text"]
    exclude = ["mobile"]
    readonly_fields = ["masked_mobile"]
    date_hierarchy = "created_at"

    @admin.display(description="手机号码")
    def masked_mobile(self, obj):
        return mask_phone(obj.mobile)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
