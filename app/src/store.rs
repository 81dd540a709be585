//! The accounts this PWA holds, in IndexedDB (database `assent`, store `accounts`, keyed by
//! `device_id`). IndexedDB because it can hold the non-extractable channel `CryptoKey` itself
//! (structured clone), and the service worker reads the same records to re-register a push
//! subscription while no window is open.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Array, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, IdbDatabase, IdbRequest, IdbTransactionMode};

use assent_proto::api::Mode;

use crate::api::{js_message, js_problem};
use crate::js::{self, obj};
use crate::problem::Problem;

const DB_NAME: &str = "assent";
const DB_VERSION: u32 = 1;
const STORE: &str = "accounts";

/// One activated account on this device.
/// The channel key is not here: it stays in IndexedDB and is read only when sealing
/// ([`channel_key`]), which keeps this type plain data for the app's signals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The device id the edge assigned.
    pub device_id: String,
    /// The RP.
    pub rp_id: String,
    /// The RP's display name.
    pub rp_name: String,
    /// The account name.
    pub user_name: String,
    /// The person's name.
    pub display_name: String,
    /// How requests are fetched.
    pub mode: Mode,
    /// The passkey's credential id, b64u.
    pub credential_id: String,
    /// The device's channel public key, b64u.
    pub channel_public_key: String,
    /// The edge's channel public key, b64u.
    pub edge_channel_public_key: String,
    /// The VAPID public key, b64u.
    pub vapid_public_key: String,
    /// The last `seq` taken for a push registration (written before it is sent, so it may be
    /// one the edge never got; only ever grows).
    pub push_seq: u64,
    /// `subscription.toJSON()` last registered, if any, as JSON text with its keys sorted
    /// (`serde_json::Value::to_string`; sw.js writes the same text).
    pub push_subscription: Option<String>,
    /// Unix seconds.
    pub created_at: u64,
}

impl Account {
    /// True when the edge can push to this account's device.
    pub fn push_on(&self) -> bool {
        self.push_subscription.is_some()
    }

    fn to_js(&self, key: &JsValue) -> JsValue {
        let subscription = self
            .push_subscription
            .as_deref()
            .map_or(JsValue::NULL, JsValue::from_str);
        // f64 holds every seq and time this app will ever see exactly (< 2^53).
        #[allow(clippy::cast_precision_loss)]
        let (seq, created) = (self.push_seq as f64, self.created_at as f64);
        obj(&[
            ("device_id", self.device_id.as_str().into()),
            ("rp_id", self.rp_id.as_str().into()),
            ("rp_name", self.rp_name.as_str().into()),
            ("user_name", self.user_name.as_str().into()),
            ("display_name", self.display_name.as_str().into()),
            ("mode", self.mode.as_str().into()),
            ("credential_id", self.credential_id.as_str().into()),
            ("channel_private_key", key.clone()),
            (
                "channel_public_key",
                self.channel_public_key.as_str().into(),
            ),
            (
                "edge_channel_public_key",
                self.edge_channel_public_key.as_str().into(),
            ),
            ("vapid_public_key", self.vapid_public_key.as_str().into()),
            ("push_seq", seq.into()),
            ("push_subscription", subscription),
            ("created_at", created.into()),
        ])
        .into()
    }

    fn from_js(value: &JsValue) -> Option<Self> {
        let text = |name: &str| js::get(value, name).as_string();
        let number = |name: &str| count(value, name);
        Some(Account {
            device_id: text("device_id")?,
            rp_id: text("rp_id")?,
            rp_name: text("rp_name")?,
            user_name: text("user_name")?,
            display_name: text("display_name")?,
            mode: Mode::from_name(&text("mode")?)?,
            credential_id: text("credential_id")?,
            channel_public_key: text("channel_public_key")?,
            edge_channel_public_key: text("edge_channel_public_key")?,
            vapid_public_key: text("vapid_public_key")?,
            push_seq: number("push_seq")?,
            push_subscription: text("push_subscription"),
            created_at: number("created_at").unwrap_or(0),
        })
    }
}

/// A non-negative whole number member of a record.
fn count(value: &JsValue, name: &str) -> Option<u64> {
    js::get(value, name)
        .as_f64()
        .filter(|n| n.is_finite() && *n >= 0.0)
        .map(|n| {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let whole = n as u64;
            whole
        })
}

/// Resolves with `request.result` on success, rejects with its error.
async fn done(request: IdbRequest) -> Result<JsValue, Problem> {
    let promise = Promise::new(&mut |resolve, reject| {
        let ok_request = request.clone();
        let on_success = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call1(
                &JsValue::NULL,
                &ok_request.result().unwrap_or(JsValue::UNDEFINED),
            );
        });
        let err_request = request.clone();
        let on_error = Closure::once_into_js(move |_: web_sys::Event| {
            let error = err_request
                .error()
                .ok()
                .flatten()
                .map_or(JsValue::from_str("IndexedDB request failed"), JsValue::from);
            let _ = reject.call1(&JsValue::NULL, &error);
        });
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    });
    JsFuture::from(promise)
        .await
        .map_err(|e| Problem::Other(format!("storage: {}", js_message(&e))))
}

async fn open() -> Result<IdbDatabase, Problem> {
    let factory = js::window()?
        .indexed_db()
        .map_err(js_problem)?
        .ok_or_else(|| Problem::Unsupported("no IndexedDB (private browsing?)".into()))?;
    let request = factory
        .open_with_u32(DB_NAME, DB_VERSION)
        .map_err(js_problem)?;
    let upgrade_request = request.clone();
    let on_upgrade = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        if let Ok(result) = upgrade_request.result() {
            let db: IdbDatabase = result.unchecked_into();
            if !db.object_store_names().contains(STORE) {
                let params = web_sys::IdbObjectStoreParameters::new();
                params.set_key_path(&JsValue::from_str("device_id"));
                let _ = db.create_object_store_with_optional_parameters(STORE, &params);
            }
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
    let db = done(request.clone().into()).await?;
    request.set_onupgradeneeded(None);
    drop(on_upgrade);
    db.dyn_into().map_err(js_problem)
}

fn store(db: &IdbDatabase, mode: IdbTransactionMode) -> Result<web_sys::IdbObjectStore, Problem> {
    db.transaction_with_str_and_mode(STORE, mode)
        .and_then(|tx| tx.object_store(STORE))
        .map_err(js_problem)
}

/// Every account, oldest first.
pub async fn all() -> Result<Vec<Account>, Problem> {
    let db = open().await?;
    let list = done(
        store(&db, IdbTransactionMode::Readonly)?
            .get_all()
            .map_err(js_problem)?,
    )
    .await?;
    db.close();
    let mut accounts: Vec<Account> = Array::from(&list)
        .iter()
        .filter_map(|v| Account::from_js(&v))
        .collect();
    accounts.sort_by_key(|a| a.created_at);
    Ok(accounts)
}

/// One account by device id.
pub async fn get(device_id: &str) -> Result<Option<Account>, Problem> {
    Ok(Account::from_js(&raw(device_id).await?))
}

async fn raw(device_id: &str) -> Result<JsValue, Problem> {
    let db = open().await?;
    let value = done(
        store(&db, IdbTransactionMode::Readonly)?
            .get(&JsValue::from_str(device_id))
            .map_err(js_problem)?,
    )
    .await?;
    db.close();
    Ok(value)
}

/// Stores a newly activated account with its channel key.
pub async fn add(account: &Account, key: &CryptoKey) -> Result<(), Problem> {
    write(&account.to_js(key)).await
}

/// Rewrites an account's fields, keeping its channel key.
pub async fn update(account: &Account) -> Result<(), Problem> {
    let mut account = account.clone();
    let device_id = account.device_id.clone();
    let wrote = modify(&device_id, move |stored| {
        let key = js::get(stored, "channel_private_key");
        key.is_instance_of::<CryptoKey>().then(|| {
            // `account` may have been read before the service worker (or another window) took
            // a higher seq; writing it back as is would let a used seq be taken again.
            account.push_seq = account.push_seq.max(count(stored, "push_seq").unwrap_or(0));
            account.to_js(&key)
        })
    })
    .await?;
    if wrote { Ok(()) } else { Err(missing_key()) }
}

/// Takes the next push `seq` for an account: above the stored one (whoever took it, a
/// window or the service worker) and at least `floor`. It is written before it is sent, so
/// a retry after a lost answer (or a closed app) never sends it again: the edge may have
/// accepted it, and then refuses every registration not above it (SPEC §7).
pub async fn take_push_seq(device_id: &str, floor: u64) -> Result<u64, Problem> {
    let taken = Rc::new(Cell::new(None));
    let out = Rc::clone(&taken);
    modify(device_id, move |stored| {
        let seq = next_seq(count(stored, "push_seq").unwrap_or(0), floor);
        // f64 holds it exactly: milliseconds since 1970 are far below 2^53.
        #[allow(clippy::cast_precision_loss)]
        let value = JsValue::from_f64(seq as f64);
        js_sys::Reflect::set(stored, &JsValue::from_str("push_seq"), &value).ok()?;
        out.set(Some(seq));
        Some(stored.clone())
    })
    .await?;
    taken
        .get()
        .ok_or_else(|| Problem::Other("this account is no longer on this device".into()))
}

/// The account's non-extractable channel key.
pub async fn channel_key(device_id: &str) -> Result<CryptoKey, Problem> {
    let raw = raw(device_id).await?;
    js::get(&raw, "channel_private_key")
        .dyn_into()
        .map_err(|_| missing_key())
}

/// The seq after `last`, and never below `floor` (the clock, in milliseconds since 1970).
pub fn next_seq(last: u64, floor: u64) -> u64 {
    last.saturating_add(1).max(floor)
}

fn missing_key() -> Problem {
    Problem::Other(
        "this account's channel key is missing; remove the account and activate again".into(),
    )
}

/// Read-modify-write of one record in a single transaction (as sw.js `updateAccount`), so a
/// write the service worker made after our last read is seen, not overwritten by a stale
/// copy. `change` gets the stored record and returns the one to put, or `None` to leave it;
/// a record removed meanwhile stays removed. True when it wrote; resolves once committed.
async fn modify<F>(device_id: &str, change: F) -> Result<bool, Problem>
where
    F: FnOnce(&JsValue) -> Option<JsValue> + 'static,
{
    let db = open().await?;
    let tx = db
        .transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)
        .map_err(js_problem)?;
    let objects = tx.object_store(STORE).map_err(js_problem)?;
    let get = objects
        .get(&JsValue::from_str(device_id))
        .map_err(js_problem)?;
    let wrote = Rc::new(Cell::new(false));
    // The put happens inside the get's success event: awaiting between the two would let
    // the transaction commit (and another writer in) before it.
    let on_get = {
        let (get, wrote) = (get.clone(), Rc::clone(&wrote));
        Closure::once_into_js(move |_: web_sys::Event| {
            let stored = get.result().unwrap_or(JsValue::UNDEFINED);
            if stored.is_undefined() || stored.is_null() {
                return;
            }
            if let Some(record) = change(&stored) {
                // A failed put aborts the transaction, which the promise below reports.
                wrote.set(objects.put(&record).is_ok());
            }
        })
    };
    get.set_onsuccess(Some(on_get.unchecked_ref()));
    let committed = Promise::new(&mut |resolve, reject| {
        let on_complete = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let failed = tx.clone();
        let on_abort = Closure::once_into_js(move |_: web_sys::Event| {
            let error = failed.error().map_or(
                JsValue::from_str("IndexedDB transaction aborted"),
                JsValue::from,
            );
            let _ = reject.call1(&JsValue::NULL, &error);
        });
        tx.set_oncomplete(Some(on_complete.unchecked_ref()));
        // An error that is not prevented aborts the transaction: reported once, from abort.
        tx.set_onabort(Some(on_abort.unchecked_ref()));
    });
    let result = JsFuture::from(committed)
        .await
        .map_err(|e| Problem::Other(format!("storage: {}", js_message(&e))));
    db.close();
    result.map(|_| wrote.get())
}

async fn write(record: &JsValue) -> Result<(), Problem> {
    let db = open().await?;
    done(
        store(&db, IdbTransactionMode::Readwrite)?
            .put(record)
            .map_err(js_problem)?,
    )
    .await?;
    db.close();
    Ok(())
}

/// Forgets an account (its channel key with it).
pub async fn remove(device_id: &str) -> Result<(), Problem> {
    let db = open().await?;
    done(
        store(&db, IdbTransactionMode::Readwrite)?
            .delete(&JsValue::from_str(device_id))
            .map_err(js_problem)?,
    )
    .await?;
    db.close();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::next_seq;

    #[test]
    fn next_seq_grows_and_follows_the_clock() {
        assert_eq!(next_seq(1, 0), 2);
        assert_eq!(next_seq(1, 1_800_000_000_000), 1_800_000_000_000);
        // A seq already above the clock (a clock set back) still grows.
        assert_eq!(
            next_seq(1_800_000_000_000, 1_700_000_000_000),
            1_800_000_000_001
        );
        assert_eq!(next_seq(u64::MAX, 0), u64::MAX);
    }
}
