//! The console's finance pages.
