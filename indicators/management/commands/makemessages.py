"""Django's makemessages, also extracting the strings marked `_lazy(…)` (gettext_lazy imported under that name,
beside gettext as `_`): without it they were never offered for translation."""

from django.core.management.commands.makemessages import Command as MakeMessagesCommand


class Command(MakeMessagesCommand):
    xgettext_options = [*MakeMessagesCommand.xgettext_options, "--keyword=_lazy"]
