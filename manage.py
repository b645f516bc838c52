#!/usr/bin/env python
"""Django's command-line utility for Relais (installed as the `relais` command: see relais.cli)."""

from relais.cli import main

if __name__ == "__main__":
    main()
