"""Listings: a location's name, address and phone on the directories patients use, checked
weekly against the Google profile. Reading a page (`reading`), comparing (`compare`), the
site's name (`sites`), the database steps (`store`)."""

from seo_monitor.listings.compare import Verdict, compare
from seo_monitor.listings.reading import ListingFacts, looks_blocked, read_listing
from seo_monitor.listings.sites import site_name

__all__ = ["ListingFacts", "Verdict", "compare", "looks_blocked", "read_listing", "site_name"]
