"""Send today's reminder digests: one mail per person (indicators.notices). Run it daily (cron, a scheduler);
running it twice the same day sends nothing twice.

    manage.py send_digests                 # queued for a worker (Django's tasks framework)
    manage.py send_digests --now           # sent here and now, with the counts
    manage.py send_digests --date 2026-11-23 --now
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from indicators.notices import send_digests, send_digests_task


class Command(BaseCommand):
    help = "Send today's reminder digests (once a day per person)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day to remind for (YYYY-MM-DD), today by default.")
        parser.add_argument("--now", action="store_true", help="Send here instead of queuing for a worker.")

    def handle(self, *args, date=None, now=False, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as error:
            raise CommandError("--date: une date AAAA-MM-JJ, par exemple 2026-11-23.") from error
        if now:
            counts = send_digests(today=day)
            self.stdout.write(
                f"{counts['sent']} digest(s) sent, {counts['skipped']} skipped, {counts['failed']} failed ({day})."
            )
        else:
            send_digests_task.enqueue(day.isoformat())
            self.stdout.write(f"Digests for {day} queued.")
