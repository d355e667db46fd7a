"""``python -m casefile``: the same command line as ``casefile``."""

from casefile.cli import main

if __name__ == "__main__":
    main()
