"""The workshop's core: lessons, checks, progress and settings. Never imports textual."""
