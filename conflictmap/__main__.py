"""``python -m conflictmap``: the same as the ``conflictmap`` command."""

from conflictmap.cli import main

if __name__ == "__main__":
    main()
