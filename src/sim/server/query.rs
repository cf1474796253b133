//! Query parameters: parsing, list options, dry run and the opaque continue token.

use axum::http::Uri;
use base64::Engine as _;
use serde_json::json;

use crate::sim::selector::{FieldSelector, LabelSelector};
use crate::sim::status::ApiError;
use crate::sim::store::{ListOptions, ObjectKey};

/// The decoded query string. Unknown parameters are kept but never required.
#[derive(Clone, Debug, Default)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    pub fn from_uri(uri: &Uri) -> Result<Self, ApiError> {
        let axum::extract::Query(pairs) =
            axum::extract::Query::<Vec<(String, String)>>::try_from_uri(uri)
                .map_err(|e| ApiError::BadRequest(format!("invalid query string: {e}")))?;
        Ok(Self { pairs })
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// `true`/`1` as Go's `strconv.ParseBool` reads them; absent is false.
    pub fn flag(&self, key: &str) -> Result<bool, ApiError> {
        match self.get(key) {
            None | Some("") => Ok(false),
            Some("true" | "1" | "t" | "T" | "TRUE" | "True") => Ok(true),
            Some("false" | "0" | "f" | "F" | "FALSE" | "False") => Ok(false),
            Some(other) => Err(ApiError::BadRequest(format!(
                "invalid value for {key}: {other:?}"
            ))),
        }
    }

    pub fn integer(&self, key: &str) -> Result<Option<i64>, ApiError> {
        match self.get(key) {
            None | Some("") => Ok(None),
            Some(text) => text.parse().map(Some).map_err(|_| {
                ApiError::BadRequest(format!(
                    "invalid value for {key}: {text:?}: must be an integer"
                ))
            }),
        }
    }

    /// `dryRun=All`; any other value is rejected like the API server does.
    pub fn dry_run(&self) -> Result<bool, ApiError> {
        let values: Vec<&str> = self
            .pairs
            .iter()
            .filter(|(k, _)| k == "dryRun")
            .map(|(_, v)| v.as_str())
            .collect();
        match values.as_slice() {
            [] => Ok(false),
            ["All"] => Ok(true),
            other => Err(ApiError::BadRequest(format!(
                "Invalid dry run value: {:?}: supported values: \"All\"",
                other.join(",")
            ))),
        }
    }

    /// `labelSelector`, `fieldSelector`, `limit` and `continue`.
    pub fn list_options(&self) -> Result<ListOptions, ApiError> {
        let labels = LabelSelector::parse(self.get("labelSelector").unwrap_or(""))
            .map_err(ApiError::BadRequest)?;
        let fields = FieldSelector::parse(self.get("fieldSelector").unwrap_or(""))
            .map_err(ApiError::BadRequest)?;
        let limit = match self.integer("limit")? {
            Some(limit) if limit > 0 => Some(usize::try_from(limit).unwrap_or(usize::MAX)),
            _ => None,
        };
        let after = match self.get("continue").filter(|c| !c.is_empty()) {
            Some(token) => Some(decode_continue(token)?.1),
            None => None,
        };
        Ok(ListOptions {
            labels,
            fields,
            limit,
            after,
        })
    }
}

/// An opaque continue token: the list's resourceVersion and the last key it returned.
pub fn encode_continue(resource_version: u64, after: &ObjectKey) -> String {
    let token =
        json!({ "v": "meta.k8s.io/v1", "rv": resource_version, "ns": after.0, "name": after.1 });
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(token.to_string())
}

pub fn decode_continue(token: &str) -> Result<(u64, ObjectKey), ApiError> {
    let invalid = |why: &str| ApiError::BadRequest(format!("continue key is not valid: {why}"));
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .map_err(|e| invalid(&e.to_string()))?;
    let token: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| invalid(&e.to_string()))?;
    let (Some(rv), Some(ns), Some(name)) = (
        token["rv"].as_u64(),
        token["ns"].as_str(),
        token["name"].as_str(),
    ) else {
        return Err(invalid("incomplete continue key"));
    };
    Ok((rv, (ns.to_string(), name.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continue_tokens_round_trip_and_reject_garbage() {
        let key = ("ns".to_string(), "pod-9".to_string());
        let token = encode_continue(42, &key);
        assert_eq!(decode_continue(&token).expect("valid token"), (42, key));
        assert_eq!(
            decode_continue("%%%").expect_err("garbage").code().as_u16(),
            400
        );
    }

    #[test]
    fn dry_run_accepts_only_all() {
        let query =
            |q: &str| Query::from_uri(&format!("/x?{q}").parse().expect("uri")).expect("query");
        assert!(query("dryRun=All").dry_run().expect("valid"));
        assert!(!query("other=1").dry_run().expect("valid"));
        assert!(query("dryRun=Maybe").dry_run().is_err());
        assert!(
            query("labelSelector=a%20in%20(x,y)")
                .list_options()
                .expect("valid")
                .labels
                .requirements
                .len()
                == 1
        );
    }
}
