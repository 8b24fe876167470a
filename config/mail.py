"""Development mail: each message written as a readable text file (decoded headers and body, one file per mail)
in the folder `MAIL_DIR` (`mails/` by default), instead of quoted-printable on the console."""

import datetime
import itertools
import re
import threading
from email.header import decode_header, make_header
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

_counter = itertools.count(1)
_lock = threading.Lock()


def _text(header: str) -> str:
    return str(make_header(decode_header(header))) if header else ""


def readable(message) -> str:
    """A mail as a person reads it: From, To, Date, Subject, then the plain text and the names of attachments."""
    lines = [
        f"De : {message.from_email}",
        f"À : {', '.join(message.to)}",
    ]
    if message.cc:
        lines.append(f"Cc : {', '.join(message.cc)}")
    rendered = message.message()
    lines += [f"Date : {rendered['Date']}", f"Objet : {_text(str(message.subject))}", "", message.body]
    for alternative in getattr(message, "alternatives", []) or []:
        lines += ["", f"[version {alternative.mimetype} : {len(alternative.content)} caractères]"]
    for attachment in message.attachments:
        name = attachment[0] if isinstance(attachment, tuple) else attachment.get_filename()
        lines.append(f"[pièce jointe : {name}]")
    return "\n".join(lines) + "\n"


class ReadableFileBackend(BaseEmailBackend):
    def __init__(self, *, file_path="mails", **kwargs):
        super().__init__(**kwargs)
        self.folder = Path(file_path).resolve()

    def send_messages(self, email_messages):
        self.folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            with _lock:
                stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
                slug = re.sub(r"[^\w-]+", "-", _text(str(message.subject)).lower(), flags=re.UNICODE).strip("-")[:50]
                path = self.folder / f"{stamp}-{next(_counter):04d}-{slug or 'message'}.txt"
            path.write_text(readable(message), encoding="utf-8")
            sent += 1
        return sent
