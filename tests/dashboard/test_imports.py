"""A fresh dashboard process loads what the page in view needs, not what other pages need: the
first page of a new process used to spend two seconds importing the Google client, the PDF and
QR libraries and the HTML parser."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from seo_monitor.db import make_engine, session_factory
from seo_monitor.migrate import upgrade
from tests.dashboard.seed import seed

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
# Libraries only some pages, actions and commands use (PDFs, QR codes, the Google client, the
# website audit and listings, name matching, sending email).
NOT_FOR_READING = {
    "bs4",
    "google_auth_oauthlib",
    "googleapiclient",
    "httplib2",
    "nameparser",
    "phonenumbers",
    "pypdfium2",
    "qrcode",
    "rapidfuzz",
    "reportlab",
    "smtplib",
    "zxingcpp",
}
PAGES_THAT_ONLY_READ = ["overview", "reviews", "profile", "rankings", "health", "reply_log"]


def modules_after_rendering(config: Path, page: str) -> set[str]:
    """The top-level modules a new process has loaded after drawing `page` once."""
    script = (
        "import sys\n"
        "from streamlit import config\n"
        "from streamlit.testing.v1 import AppTest\n"
        "config.set_option('server.address', '127.0.0.1')\n"
        f"at = AppTest.from_file({APP!r}, default_timeout=120)\n"
        "at.run()\n"
        f"if {page!r} != 'overview':\n"
        f"    at.switch_page('views/{page}.py')\n"
        "    at.run()\n"
        "assert not at.exception, [e.value for e in at.exception]\n"
        "assert at.title, 'nothing drawn'\n"
        "print('MODULES', ' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    env = {**os.environ, "SEO_MONITOR_CONFIG": str(config)}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return set(result.stdout.split("MODULES ", 1)[1].split())


def test_pages_that_read_load_no_library_they_do_not_use(tmp_path: Path) -> None:
    # On SQLite only: what a page imports does not depend on the database.
    url = f"sqlite:///{tmp_path / 'seo-monitor.db'}"
    engine = make_engine(url)
    upgrade(engine)
    seed(session_factory(engine))
    engine.dispose()
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{url}"\n')
    for page in PAGES_THAT_ONLY_READ:
        loaded = modules_after_rendering(config, page)
        assert "pandas" in loaded  # the page did draw its tables
        assert loaded & NOT_FOR_READING == set(), page


def test_the_server_imports_what_pages_draw_with_before_it_listens() -> None:
    """`seo-monitor dashboard` runs dashboard.server, which imports the pages' libraries before
    Streamlit listens, so the first visitor does not wait for them; it leaves dashboard.*
    alone, whose cached functions must be made inside Streamlit's runtime."""
    code = (
        "import sys\n"
        "from dashboard.server import preload\n"
        "print('SECONDS', preload())\n"
        "print('MODULES', ' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    modules = set(done.stdout.split("MODULES ", 1)[1].split())
    assert {"pandas", "pyarrow", "altair", "sqlalchemy.orm", "seo_monitor.queries"} <= modules
    assert not {m for m in modules if m.startswith("dashboard.") and m != "dashboard.server"}
    assert "No runtime found" not in done.stderr
