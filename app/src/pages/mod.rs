//! One screen per file.

mod accounts;
mod activate;
mod inbox;
mod next;
mod request;

pub use accounts::AccountsPage;
pub use activate::ActivatePage;
pub use inbox::InboxPage;
pub use request::RequestPage;
