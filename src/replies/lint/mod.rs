//! Stub: filled in by the linter work.
