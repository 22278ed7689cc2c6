//! Report exports.
