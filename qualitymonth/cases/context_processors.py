from qualitymonth.accounts.scope import scope_of


def cases_nav(request):
    """Whether the navigation shows 咨询投诉 (service staff with the cases duty, admins)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"user_can_handle_cases": scope_of(user).anywhere("case.handle")}
