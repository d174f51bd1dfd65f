"""The learned router: a labelled corpus, a character n-gram model stored as plain data, and
the training, loading and evaluation around it (issue 14)."""
