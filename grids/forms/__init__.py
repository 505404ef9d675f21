"""Forms of the grids app, one module per topic: tree, accounts, members, posts."""
