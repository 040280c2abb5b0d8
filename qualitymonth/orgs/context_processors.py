from .queries import managed_units


def org_nav(request):
    """The navigation's 组织机构 link, for users who manage part of the tree."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"user_can_manage_orgs": managed_units(user).exists()}
