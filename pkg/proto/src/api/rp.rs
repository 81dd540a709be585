//! Request bodies of the RP API (SPEC §5): creating activations and requests.

use serde::{Deserialize, Serialize};

use super::validate::{
    Bounds, CONTEXT_VALUE_MAX_CHARS, FIELD_LABEL_MAX_CHARS, FIELD_VALUE_MAX_CHARS, FIELDS_MAX,
    FIELDS_MIN, FieldError, NAME_MAX_CHARS, TITLE_MAX_CHARS, Validate, check_text, check_user_id,
};
use crate::content::{Context, FORMAT_VERSION, Field, Kind, RequestContent};

/// `POST /v1/activations` `{user_id, user_name?, display_name?}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateActivation {
    /// The RP's opaque user id: 1–128 bytes of UTF-8.
    pub user_id: String,
    /// The account name the PWA and the passkey show (WebAuthn `user.name`), at most
    /// [`NAME_MAX_CHARS`]; `user_id` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// The person's name (WebAuthn `user.displayName`), at most [`NAME_MAX_CHARS`];
    /// the user name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

impl CreateActivation {
    /// `user_name`, or `user_id` when absent.
    pub fn user_name(&self) -> &str {
        self.user_name.as_deref().unwrap_or(&self.user_id)
    }

    /// `display_name`, or [`Self::user_name`] when absent.
    pub fn display_name(&self) -> &str {
        self.display_name
            .as_deref()
            .unwrap_or_else(|| self.user_name())
    }
}

impl Validate for CreateActivation {
    /// `user_id` 1–128 bytes (opaque); names non-empty, not blank, at most 64 characters, with
    /// no control or bidirectional formatting characters (they are displayed).
    fn validate(&self, _bounds: &Bounds) -> Result<(), FieldError> {
        check_user_id("user_id", &self.user_id)?;
        if let Some(name) = &self.user_name {
            check_text("user_name", name, NAME_MAX_CHARS)?;
        }
        if let Some(name) = &self.display_name {
            check_text("display_name", name, NAME_MAX_CHARS)?;
        }
        Ok(())
    }
}

/// `POST /v1/requests` (SPEC §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateRequest {
    /// The RP's opaque user id of the account.
    pub user_id: String,
    /// `login` or `sign`.
    pub kind: Kind,
    /// A short title, at most [`TITLE_MAX_CHARS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Where the request came from; each value at most [`CONTEXT_VALUE_MAX_CHARS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
    /// The transaction, shown in full: required for `sign`, refused for `login`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<Field>>,
    /// Lifetime, within the RP's [`Bounds`]; [`Bounds::default_ttl_seconds`] when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_seconds: Option<u32>,
    /// Whether the user must type the website's binding code; see [`Self::number_matching`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_matching: Option<bool>,
}

impl CreateRequest {
    /// Number matching as given, else the SPEC default: on for `login`, off for `sign`.
    pub fn number_matching(&self) -> bool {
        self.number_matching.unwrap_or(self.kind == Kind::Login)
    }

    /// The lifetime: `ttl_seconds` as given (checked by [`Validate::validate`]), else
    /// [`Bounds::default_ttl_seconds`].
    pub fn effective_ttl_seconds(&self, bounds: &Bounds) -> u32 {
        self.ttl_seconds
            .unwrap_or_else(|| bounds.default_ttl_seconds())
    }

    /// The request content the user is shown and signs (SPEC §5), with
    /// `expires_at = created_at + effective_ttl_seconds`. An empty `context` object is left
    /// out, so `{}` and no context give the same content and the same `request_hash`.
    pub fn content(
        &self,
        rp_id: &str,
        rp_name: &str,
        request_id: &str,
        created_at: u64,
        bounds: &Bounds,
    ) -> RequestContent {
        RequestContent {
            v: FORMAT_VERSION,
            rp_id: rp_id.to_owned(),
            rp_name: rp_name.to_owned(),
            request_id: request_id.to_owned(),
            user_id: self.user_id.clone(),
            kind: self.kind,
            title: self.title.clone(),
            context: self.context.clone().filter(|c| !c.is_empty()),
            fields: self.fields.clone(),
            created_at,
            expires_at: created_at.saturating_add(u64::from(self.effective_ttl_seconds(bounds))),
        }
    }
}

impl Validate for CreateRequest {
    /// SPEC §5, in member order:
    /// - `user_id`: 1–128 bytes of UTF-8 (opaque, SPEC §1);
    /// - `title`, each `context` value, each field `label` and `value`: non-empty, not only
    ///   whitespace, at most 80 / 128 / 64 / 256 characters (Unicode scalar values), no
    ///   control characters (tab and newline included) and no bidirectional formatting
    ///   characters — the PWA displays them, and reordered text could make the user approve
    ///   what they did not read;
    /// - `fields`: 1–20 entries, required for `sign`. Refused for `login`: the login screen
    ///   does not show fields, and the user must never sign content they were not shown;
    /// - `ttl_seconds`: within `bounds` (the SPEC's 30–600 or the RP's `limits`).
    fn validate(&self, bounds: &Bounds) -> Result<(), FieldError> {
        check_user_id("user_id", &self.user_id)?;
        if let Some(title) = &self.title {
            check_text("title", title, TITLE_MAX_CHARS)?;
        }
        if let Some(context) = &self.context {
            for (name, value) in [
                ("context.ip", &context.ip),
                ("context.location", &context.location),
                ("context.browser", &context.browser),
            ] {
                if let Some(value) = value {
                    check_text(name, value, CONTEXT_VALUE_MAX_CHARS)?;
                }
            }
        }
        validate_fields(self.kind, self.fields.as_deref())?;
        if let Some(ttl) = self.ttl_seconds
            && !bounds.admits(u64::from(ttl))
        {
            return Err(FieldError::new(
                "ttl_seconds",
                format!(
                    "must be between {} and {} (got {ttl})",
                    bounds.min_ttl_seconds, bounds.max_ttl_seconds
                ),
            ));
        }
        Ok(())
    }
}

fn validate_fields(kind: Kind, fields: Option<&[Field]>) -> Result<(), FieldError> {
    let fields = match (kind, fields) {
        (Kind::Login, None) => return Ok(()),
        (Kind::Login, Some(_)) => {
            return Err(FieldError::new(
                "fields",
                "not allowed when kind is \"login\": the login screen shows no fields (use kind \"sign\")",
            ));
        }
        (Kind::Sign, None) => {
            return Err(FieldError::new("fields", "required when kind is \"sign\""));
        }
        (Kind::Sign, Some(fields)) => fields,
    };
    if fields.len() < FIELDS_MIN {
        return Err(FieldError::new(
            "fields",
            format!("at least {FIELDS_MIN} entry"),
        ));
    }
    if fields.len() > FIELDS_MAX {
        return Err(FieldError::new(
            "fields",
            format!("at most {FIELDS_MAX} entries (got {})", fields.len()),
        ));
    }
    for (index, field) in fields.iter().enumerate() {
        check_text(
            &format!("fields[{index}].label"),
            &field.label,
            FIELD_LABEL_MAX_CHARS,
        )?;
        check_text(
            &format!("fields[{index}].value"),
            &field.value,
            FIELD_VALUE_MAX_CHARS,
        )?;
    }
    Ok(())
}
