//! Integration tests: every test runs the real `xuanti` binary in a fresh temp dir on the small
//! Chinese fixtures of `cli/fixtures.rs`, and is named after the behaviour or bug it pins.

mod cli {
    pub mod columns;
    pub mod errors;
    pub mod eval;
    pub mod fixtures;
    pub mod invariants;
    pub mod lang;
    pub mod model;
    pub mod office;
    pub mod rank;
    pub mod real_data;
    pub mod reliability;
    pub mod review;
    pub mod util;
}
