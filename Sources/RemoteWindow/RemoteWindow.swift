// The remote window: see docs/api/remote-window.md.
