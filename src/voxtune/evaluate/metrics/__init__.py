"""One module per metric; each is a pure function of arrays or strings plus a small result type."""
