from collections import Counter

from django.utils import timezone

from qualitymonth.accounts.scope import scope_of

from .queries import working_campaigns


def campaign_switcher(request):
    """The header's campaign switcher, on every back-office page: the campaigns people work
    in, never the archived ones."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    campaigns = list(working_campaigns(user)[:50])
    _label(campaigns)
    current_id = request.session.get("current_campaign_id")
    return {
        "switcher_campaigns": campaigns,
        "current_campaign": next((c for c in campaigns if c.pk == current_id), None),
        "user_can_import": scope_of(user).units("campaign.admin").exists(),
    }


def _label(campaigns) -> None:
    """Each campaign's name in the switcher; campaigns of the same name (a notice imported
    twice, on purpose) are told apart by their number, which of them came first, and when."""
    names = Counter(c.name for c in campaigns)
    made_before: Counter = Counter()
    for c in sorted(campaigns, key=lambda c: (c.created_at, c.pk)):
        c.switcher_label = c.name
        if names[c.name] > 1:
            made_before[c.name] += 1
            made = timezone.localtime(c.created_at)
            told = [c.doc_number] if c.doc_number else []
            told += [f"第{made_before[c.name]}个", f"{made.month}月{made.day}日创建"]
            c.switcher_label += f"（{'，'.join(told)}）"
