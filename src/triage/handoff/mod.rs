//! Stub: filled in by the hand-off work.
