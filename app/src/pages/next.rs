//! "Done returns to the next pending request if any" (SPEC §2).

use assent_proto::api::Mode;

use crate::route::Route;
use crate::{api, nav, store};

/// Goes to the oldest-expiring pending request of any account other than `skip`, to the
/// inbox of a secure account with pending requests, or home.
pub async fn go_next(skip: Option<String>) {
    let mut next = None;
    if let Ok(accounts) = store::all().await {
        for account in accounts {
            let Ok(list) = api::pending(&account.device_id).await else {
                continue;
            };
            let waiting = list
                .pending
                .into_iter()
                .filter(|p| Some(&p.request_id) != skip.as_ref())
                .min_by_key(|p| p.expires_at);
            if let Some(entry) = waiting {
                next = Some(match account.mode {
                    Mode::Secure => Route::Inbox(account.device_id),
                    Mode::Gateway => Route::Request {
                        device_id: account.device_id,
                        request_id: entry.request_id,
                    },
                });
                break;
            }
        }
    }
    nav::go(&next.unwrap_or(Route::Accounts));
}
