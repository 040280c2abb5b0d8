from .queries import can_view_audit


def audit_nav(request):
    """Whether the navigation shows 审计日志."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"user_can_view_audit": can_view_audit(user)}
