"""One module per part of the URL surface; web/app.py lists them in order."""
