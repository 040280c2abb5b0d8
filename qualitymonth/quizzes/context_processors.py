from qualitymonth.accounts.scope import scope_of


def quizzes_nav(request):
    """Whether the navigation shows 知识问答 (campaign admins, reporters of organising units)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"user_can_manage_quizzes": scope_of(user).anywhere("quiz.manage")}
