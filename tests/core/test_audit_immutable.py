"""The audit log only grows: nothing in the platform changes or removes an entry."""

import pytest

from qualitymonth.core import audit
from qualitymonth.core.models import AuditEntry, AuditLogImmutable
from tests.conftest import make_person


@pytest.fixture
def entry(admin, pudong):
    return audit.record(admin, "orgunit.updated", pudong, before={"name": "旧"}, org_unit=pudong)


def test_an_entry_cannot_be_saved_again(entry):
    entry.action = "orgunit.deleted"
    with pytest.raises(AuditLogImmutable):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).action == "orgunit.updated"


def test_an_entry_cannot_be_deleted(entry):
    with pytest.raises(AuditLogImmutable):
        entry.delete()
    with pytest.raises(AuditLogImmutable):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AuditLogImmutable):
        AuditEntry.objects.all().update(action="x")
    assert AuditEntry.objects.filter(pk=entry.pk, action="orgunit.updated").exists()


def test_deleting_a_person_keeps_their_entries_by_name(pudong):
    person = make_person("临时人员")
    entry = audit.record(person, "orgunit.updated", pudong, org_unit=pudong)
    person.delete()
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor is None and entry.actor_name == "临时人员"


def test_the_admin_is_read_only(db):
    from django.contrib.admin.sites import site

    superuser = make_person("root")
    superuser.is_superuser = superuser.is_staff = True
    superuser.save()
    model_admin = site._registry[AuditEntry]

    class Request:
        user = superuser

    assert not model_admin.has_add_permission(Request())
    assert not model_admin.has_change_permission(Request())
    assert not model_admin.has_delete_permission(Request())
