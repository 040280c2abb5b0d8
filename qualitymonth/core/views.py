"""The inbox (消息): each user's own notifications; nobody else's are reachable."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import notifications
from .models import Notification

PAGE_SIZE = 30


def _own(request, pk: int) -> Notification:
    # Another user's id is "not found", never "forbidden": ids give nothing away.
    return get_object_or_404(Notification, pk=pk, recipient=request.user)


def _inbox_context(request) -> dict:
    show_unread = request.GET.get("show") == "unread"
    mine = Notification.objects.filter(recipient=request.user)
    listed = mine.filter(read_at=None) if show_unread else mine
    page = Paginator(listed.order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return {
        "page": page,
        "show_unread": show_unread,
        "inbox_unread_count": notifications.unread_count(request.user),
    }


def _back(request):
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("core:inbox")
    return redirect(target)


@login_required
def inbox(request):
    return render(request, "core/inbox.html", _inbox_context(request))


@login_required
@require_POST
def read(request, pk: int):
    """Mark one message read; htmx gets the message back in place and the new unread count."""
    notification = notifications.mark_read(_own(request, pk), request.user)
    if request.htmx:
        return render(
            request,
            "core/_notification_read.html",
            {
                "notification": notification,
                "inbox_unread_count": notifications.unread_count(request.user),
                "next": request.POST.get("next", ""),
            },
        )
    return _back(request)


@login_required
@require_POST
def read_all(request):
    notifications.mark_all_read(request.user)
    if request.htmx:
        context = _inbox_context(request)
        context["next"] = request.POST.get("next", "")
        return render(request, "core/_inbox_list_read.html", context)
    return _back(request)


@login_required
def open_notification(request, pk: int):
    """Follow a message's link; opening it counts as reading it."""
    notification = notifications.mark_read(_own(request, pk), request.user)
    return redirect(notification.url or reverse("core:inbox"))
