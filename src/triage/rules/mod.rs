//! Stub: filled in by the rules work.
