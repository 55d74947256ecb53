"""`python -m voxtune` runs the command line."""

from voxtune.cli import main

main()
