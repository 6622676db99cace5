"""The installable shell: manifest, service worker, offline page."""
