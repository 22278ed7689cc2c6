//! Reports: the numbers a community manager is asked for, computed from the
//! store (items) and the audit log (what was done, by whom, when).
pub mod hours;
pub mod period;
pub mod sentiment;
