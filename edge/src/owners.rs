//! Which account a request belongs to, remembered per isolate. A request's `rp_id` and
//! `user_id` never change (its KV record is written once), and the widget's status reads ask
//! for the same few requests again and again: answering them from memory saves a KV read on
//! the hottest path. Bounded; forgetting everything when full keeps it simple and safe.

use std::cell::RefCell;
use std::collections::HashMap;

/// How many requests an isolate remembers before it starts over.
const CAPACITY: usize = 10_000;

/// The account of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub rp_id: String,
    pub user_id: String,
}

thread_local! {
    static OWNERS: RefCell<HashMap<String, Owner>> = RefCell::new(HashMap::new());
}

/// The remembered owner of `request_id`, if any.
pub fn get(request_id: &str) -> Option<Owner> {
    OWNERS.with(|o| o.borrow().get(request_id).cloned())
}

/// Remembers the owner of `request_id`.
pub fn remember(request_id: &str, owner: Owner) {
    OWNERS.with(|o| {
        let mut owners = o.borrow_mut();
        if owners.len() >= CAPACITY {
            owners.clear();
        }
        owners.insert(request_id.to_owned(), owner);
    });
}
