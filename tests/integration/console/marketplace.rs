//! The console's marketplace pages.
