//! Demo inbox (being written).
