//! Background work of engagements that needs no outside service: the domain job loop.
pub mod worker;
