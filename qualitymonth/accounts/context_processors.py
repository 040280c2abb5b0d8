from .models import Role
from .scope import scope_of


def user_roles(request):
    """The header's role label and the navigation a person's roles open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_of(user)
    return {
        "user_role_label": scope.role_label(),
        "user_is_reporter": Role.REPORTER in scope.roles,
        "user_is_reviewer": bool({Role.REVIEWER, Role.CAMPAIGN_ADMIN} & set(scope.roles)),
        "user_can_manage_people": scope.is_superuser or Role.CAMPAIGN_ADMIN in scope.roles,
        "user_can_view_dashboard": scope.anywhere("dashboard.view"),
        "user_is_city": Role.CITY_VIEWER in scope.roles,
        # the city's 上报包 page (the page itself asks the scope)
        "user_can_receive_upward": scope.is_superuser
        or (
            scope.anywhere("upward.receive")
            and any(m.org_unit.kind == "city" for m in scope.memberships)
        ),
    }
