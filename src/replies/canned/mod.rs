//! Stub: filled in by the canned-replies work.
