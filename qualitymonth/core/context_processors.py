from .notifications import unread_count


def inbox(request):
    """The header's 消息 link with the number of unread messages (one indexed count)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_unread_count": unread_count(user)}
