"""Who a command acts as: a named user (whose scope applies), or the system operator."""

from django.core.management.base import CommandError

from qualitymonth.accounts.models import User


class SystemOperator:
    """The person at the server's console: may do anything; audited as "系统"."""

    pk = None
    is_superuser = True
    is_authenticated = True
    display_name = "系统"


def actor(username: str | None):
    if not username:
        return SystemOperator()
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"没有用户名为 {username} 的在用账号。")
    return user
