"""Logging for entry points only: ids and counts, never review text, names or secrets."""

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str = "INFO") -> None:
    logging.basicConfig(level=level, format=FORMAT, force=True)
    # Google's client logs request URLs and bodies at DEBUG; keep third parties quieter.
    for noisy in ("googleapiclient", "google.auth", "urllib3", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.getLevelName(level), logging.WARNING))
