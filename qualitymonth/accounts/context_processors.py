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
    }
