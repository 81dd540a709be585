//! Components shared by pages.

mod alert;
mod countdown;
mod dialog;
mod request_view;
mod scanner;

pub use alert::ProblemAlert;
pub use countdown::Countdown;
pub use dialog::Dialog;
pub use request_view::{Outcome, RequestView};
pub use scanner::{Scanner, can_scan as scanner_available};
