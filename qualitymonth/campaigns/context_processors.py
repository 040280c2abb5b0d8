from qualitymonth.accounts.scope import scope_of

from .queries import visible_campaigns


def campaign_switcher(request):
    """The header's campaign switcher, on every back-office page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    campaigns = list(visible_campaigns(user)[:50])
    current_id = request.session.get("current_campaign_id")
    return {
        "switcher_campaigns": campaigns,
        "current_campaign": next((c for c in campaigns if c.pk == current_id), None),
        "user_can_import": scope_of(user).units("campaign.admin").exists(),
    }
