"""Every plotly figure of the dashboard; no Streamlit."""
