"""Search: passages cut from turns, the SQLite FTS5 index, the query language and ranking."""
