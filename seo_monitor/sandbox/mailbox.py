"""The demo's stand-in for the clinic's SMTP server: every email it gets lands in a folder."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

MAILBOX_FOLDER = "demo-mail"


class FolderHandler:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.numbers = count(1)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        path = self.folder / f"{stamp}-{next(self.numbers):04d}.eml"
        path.write_bytes(envelope.content)
        return "250 Message accepted"


@contextmanager
def running_mailbox(folder: Path, port: int) -> Iterator[Controller]:
    """An SMTP server on 127.0.0.1:`port` (plain, no login) that files messages as .eml."""
    folder.mkdir(parents=True, exist_ok=True)
    # aiosmtpd logs every SMTP command at INFO (and message data at DEBUG): keep it quiet.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = Controller(FolderHandler(folder), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()
