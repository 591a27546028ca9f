"""Renderers: which interrupt payload becomes which form (see `registry`)."""
