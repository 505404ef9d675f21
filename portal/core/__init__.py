"""The portal's leaf helpers: app-agnostic rules every app uses.

This package imports no app (grids, centers, projects) and nothing from the rest of
`portal` (settings aside); every app may import it. Personal-data rules and encryption,
upload checks, form helpers, money, coordinates, and later the parameter parser and the
download writer live here.
"""
