"""The Streamlit server that `seo-monitor dashboard` becomes, with the libraries every page
draws with imported before it listens.

Streamlit imports a page's libraries when the first visitor opens it: pandas, pyarrow, Altair
(and its JSON schema), SQLAlchemy and the read model take about a second on a small server,
which the first visitor would wait for on top of the page itself. Importing them here moves
that second to the server's start, before anyone is waiting.

    python -m dashboard.server run dashboard/app.py [streamlit options]
"""

from __future__ import annotations

import sys
import time


def preload() -> float:
    """Import what the pages draw with and load Altair's schema; returns the seconds taken."""
    started = time.perf_counter()
    import altair as alt
    import pandas as pd
    import pyarrow  # type: ignore[import-untyped]  # noqa: F401  (tables go to the browser as Arrow)
    import sqlalchemy.orm  # noqa: F401

    # What dashboard.data reads through; not dashboard.* itself, whose st.cache_data
    # functions must be made once Streamlit's runtime exists.
    import seo_monitor.config
    import seo_monitor.queries  # noqa: F401

    # The first chart validates against Altair's JSON schema, which is read and compiled once.
    alt.Chart(pd.DataFrame({"day": [0]})).mark_line().encode(x="day").to_dict()
    return time.perf_counter() - started


def main() -> None:
    preload()
    from streamlit.web import cli

    sys.argv = ["streamlit", *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
