"""Remove prepared export files past their age, retry or fail the exports a crashed worker left running, and
forget the spreadsheets uploaded for an import that was never confirmed and the deletions older than the API's
feed keeps (plans.models.sync.DELETIONS_KEPT_DAYS).

Run it daily (cron, a scheduler); `make run` does not need it.
"""

from django.core.management.base import BaseCommand

from indicators.imports import imports_prune
from indicators.jobs import exports_prune, exports_reap
from plans.models.sync import deletions_prune


class Command(BaseCommand):
    help = "Remove old export files; retry or fail exports left running by a worker that stopped."

    def handle(self, *args, **options):
        reaped = exports_reap()
        pruned = exports_prune()
        forgotten = imports_prune()
        deletions = deletions_prune()
        self.stdout.write(
            f"{reaped} export(s) retried or failed, {pruned} old file(s) removed, "
            f"{forgotten} unconfirmed import(s) forgotten, {deletions} old deletion record(s) removed."
        )
