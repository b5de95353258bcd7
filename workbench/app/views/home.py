"""The address "/": opens the review queue (signed out, ``main.py`` shows the sign-in form instead).

The queue is not the default page itself, so ``/queue`` stays a working link.
"""

import streamlit as st

from workbench.app import common

st.switch_page(common.PAGES_DIR / "queue.py")
