"""`python -m specreview`."""

from specreview.cli import main

main()
