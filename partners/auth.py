"""Glue between django-axes and our email login."""


def axes_username(request, credentials=None) -> str:
    """Lock out on the normalised address, so 'Bob@x.fr' and 'bob@x.fr' count as one account."""
    raw = (credentials or {}).get("username") if credentials else None
    if raw is None and request is not None:
        raw = request.POST.get("username", "")
    return (raw or "").strip().lower()
