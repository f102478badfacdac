"""The only Streamlit-aware code: cached wrappers and the page-state helper."""
