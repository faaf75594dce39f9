"""Start the Parley browser app: `python app.py` (embedded defaults: no key, no server, no network)."""

from simulator.ui.app import main

if __name__ == "__main__":
    main()
