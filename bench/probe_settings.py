"""Settings for bench/silos_1000.py's "one new migration": the app's settings, with the webhooks app's
migrations taken from a generated package that adds probe migrations after the real ones."""

import os
import sys

from cashsheet.settings import *  # noqa: F403

sys.path.insert(0, os.environ["CASHSHEET_PROBE_DIR"])
MIGRATION_MODULES = {"webhooks": os.environ["CASHSHEET_PROBE_MODULE"]}
