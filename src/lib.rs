//! xuanti (选题) screens Chinese topic submissions: it ranks a batch against central-work themes
//! and exemplar criteria, and learns from past selections which submissions get picked.
//!
//! The data flows one way through small stages, one module each:
//!
//! read → normalize → segment → featurize → score (themes, criteria, model) → rank → explain →
//! write
#![deny(missing_docs)]

pub mod active;
pub mod criteria;
pub mod dedup;
pub mod error;
pub mod eval;
pub mod explain;
pub mod featurize;
pub mod lang;
pub mod model;
pub mod normalize;
pub mod rank;
pub mod read;
pub mod report;
pub mod score;
pub mod segment;
pub mod themes;
pub mod write;

pub use error::{Error, Result};
