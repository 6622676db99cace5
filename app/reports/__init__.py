"""The office's figures (K1, F7, C5), the monthly report and the CSV exports: read from the other
domains through their services (app.work, app.followups), never their tables."""
