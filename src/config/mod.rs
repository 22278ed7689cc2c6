//! Configuration: where files live and how they are read. Every error names
//! the file, the line and the key (see [`error`]).

pub mod error;

pub use error::{ConfigError, ConfigErrors};
