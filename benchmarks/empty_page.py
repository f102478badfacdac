"""An empty page, only registered when KBZ_BENCH_EMPTY_PAGE is set: the baseline of benchmarks/bench_pages.py."""

import streamlit as st

st.write("Lege pagina")
