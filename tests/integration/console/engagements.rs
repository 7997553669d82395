//! The console's engagements pages.
