//! How times and kinds read on screen.

use assent_proto::content::Kind;

/// "m:ss" for a countdown; never negative.
pub fn countdown(seconds_left: i64) -> String {
    let s = seconds_left.max(0);
    format!("{}:{:02}", s / 60, s % 60)
}

/// What a request is, in the user's words.
pub fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Login => "Sign-in request",
        Kind::Sign => "Signature request",
    }
}

/// A Unix time in the device's locale, e.g. "4 Dec 2026, 23:41:05".
pub fn local_time(unix_seconds: u64) -> String {
    // Far inside f64's exact range.
    #[allow(clippy::cast_precision_loss)]
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        unix_seconds as f64 * 1000.0,
    ));
    String::from(date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countdowns() {
        assert_eq!(countdown(125), "2:05");
        assert_eq!(countdown(59), "0:59");
        assert_eq!(countdown(600), "10:00");
        assert_eq!(countdown(0), "0:00");
        assert_eq!(countdown(-3), "0:00");
    }

    #[test]
    fn kinds() {
        assert_eq!(kind_label(Kind::Login), "Sign-in request");
        assert_eq!(kind_label(Kind::Sign), "Signature request");
    }
}
