//! The console's company pages.
