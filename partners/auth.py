"""Glue between django-axes and our email login: usernames, client addresses, lockouts per account and address."""

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


def axes_username(request, credentials=None) -> str:
    """Lock out on the normalised address, so 'Bob@x.fr' and 'bob@x.fr' count as one account."""
    raw = (credentials or {}).get("username") if credentials else None
    if raw is None and request is not None:
        raw = request.POST.get("username", "")
    return (raw or "").strip().lower()


def client_ip(request) -> str:
    """The client's address, as the load balancer saw it.

    Behind `TRUSTED_PROXY_COUNT` proxies, each one appends the address it received the request from to
    X-Forwarded-For, so the client's address is the N-th from the right; whatever a client writes in that
    header itself ends up further left and is ignored. With no proxy (or a request that did not go through
    them all, such as a health check), the connection's own address.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


class AccountAndAddressHandler(AxesDatabaseHandler):
    """Two limits instead of one.

    - An account is locked from one address after `AXES_FAILURE_LIMIT` failures: a stranger guessing a
      password elsewhere does not lock its owner out (`AXES_LOCKOUT_PARAMETERS[0]`, account + address).
    - One address is locked, whatever the accounts it tries, after `AXES_ADDRESS_FAILURE_LIMIT` failures
      (`AXES_LOCKOUT_PARAMETERS[1]`, address): spreading guesses over many accounts no longer goes unseen.
      It is higher, because a town hall's staff share one address.

    Axes compares a single count with a single limit, so the address's count is expressed on the account's
    scale: it reaches `AXES_FAILURE_LIMIT` exactly when the address reaches its own limit.
    """

    def get_failures(self, request, credentials=None) -> int:
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        account = counts[0] if counts else 0
        address = counts[1] if len(counts) > 1 else 0
        return max(account, address * settings.AXES_FAILURE_LIMIT // settings.AXES_ADDRESS_FAILURE_LIMIT)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A successful login clears that account's failures from that address, never the address's others."""
        attempts = self.filter_user_attempts(request, credentials)[0]
        count, _deleted = attempts.delete()
        return count
