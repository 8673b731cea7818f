"""What tests share: data (test-range BSNs, the pinned day), the fixtures of each subject (registered
as plugins in tests/conftest.py), the Pilot helpers, and the portal's file rules."""
