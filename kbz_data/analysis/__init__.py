"""Pure pandas analysis on the loaded store: area values, need index, profiles, budgets."""
