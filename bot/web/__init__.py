"""The web page (port 8080) that serves the embeddable chat widget."""
