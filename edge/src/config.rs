//! The edge's configuration (SPEC §13), validated once per isolate and kept: vars and
//! secrets do not change while an isolate lives, and parsing derives public keys.

use std::cell::RefCell;
use std::rc::Rc;

use assent_config::Config;
use assent_proto::api::ErrorCode;
use worker::Env;

use crate::http::Failure;

thread_local! {
    static CONFIG: RefCell<Option<Rc<Config>>> = const { RefCell::new(None) };
}

/// The validated configuration. An invalid one answers `500 internal` and logs every
/// problem (names only, never secret values), so the operator fixes them in one go.
pub fn load(env: &Env) -> Result<Rc<Config>, Failure> {
    if let Some(config) = CONFIG.with(|c| c.borrow().clone()) {
        return Ok(config);
    }
    let lookup = |name: &str| {
        env.secret(name)
            .or_else(|_| env.var(name))
            .ok()
            .map(|value| value.to_string())
    };
    match Config::from_lookup(lookup) {
        Ok(config) => {
            let config = Rc::new(config);
            CONFIG.with(|c| *c.borrow_mut() = Some(config.clone()));
            Ok(config)
        }
        Err(errors) => {
            for error in errors.errors() {
                worker::console_error!("configuration: {error}");
            }
            Err(Failure::new(
                ErrorCode::Internal,
                "the edge is not configured correctly; its log names each problem",
            ))
        }
    }
}
