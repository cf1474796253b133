//! API failures: the error every simulator operation returns, and its exact `Status` JSON shape.

use axum::http::StatusCode;
use serde_json::{Value, json};

/// One `details.causes` entry of an Invalid (422) failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    /// `FieldValueRequired`, `FieldValueInvalid`, `FieldValueNotSupported`, ...
    pub reason: &'static str,
    pub field: String,
    pub message: String,
}

impl Cause {
    pub fn required(field: impl Into<String>, detail: &str) -> Self {
        let message = if detail.is_empty() {
            "Required value".to_string()
        } else {
            format!("Required value: {detail}")
        };
        Self {
            reason: "FieldValueRequired",
            field: field.into(),
            message,
        }
    }

    pub fn invalid(field: impl Into<String>, value: &Value, detail: &str) -> Self {
        let shown = match value {
            Value::String(text) => format!("{text:?}"),
            other => other.to_string(),
        };
        Self {
            reason: "FieldValueInvalid",
            field: field.into(),
            message: format!("Invalid value: {shown}: {detail}"),
        }
    }

    pub fn not_supported(field: impl Into<String>, value: &str, allowed: &[&str]) -> Self {
        let allowed: Vec<String> = allowed.iter().map(|v| format!("{v:?}")).collect();
        Self {
            reason: "FieldValueNotSupported",
            field: field.into(),
            message: format!(
                "Unsupported value: {value:?}: supported values: {}",
                allowed.join(", ")
            ),
        }
    }

    fn display(&self) -> String {
        format!("{}: {}", self.field, self.message)
    }
}

/// Names a resource in messages the way the API server does: `pods`, `deployments.apps`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub group: String,
    pub resource: String,
    pub name: String,
}

impl Subject {
    pub fn new(group: &str, resource: &str, name: &str) -> Self {
        Self {
            group: group.to_string(),
            resource: resource.to_string(),
            name: name.to_string(),
        }
    }

    fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.resource.clone()
        } else {
            format!("{}.{}", self.resource, self.group)
        }
    }
}

/// A failed API call. `status()` renders the `Status` object kubectl and kube-rs parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("{} {:?} not found", .0.qualified(), .0.name)]
    NotFound(Subject),
    #[error("the server could not find the requested resource")]
    NoSuchResource,
    #[error("{} {:?} already exists", .0.qualified(), .0.name)]
    AlreadyExists(Subject),
    #[error("Operation cannot be fulfilled on {} {:?}: {message}", .subject.qualified(), .subject.name)]
    Conflict { subject: Subject, message: String },
    #[error("{kind} {name:?} is invalid: {}", join_causes(.causes))]
    Invalid {
        group: String,
        kind: String,
        name: String,
        causes: Vec<Cause>,
    },
    #[error("{0}")]
    BadRequest(String),
    /// A 422 that is not about fields, e.g. a JSON patch whose `test` failed.
    #[error("{0}")]
    Unprocessable(String),
    #[error("{} {:?} is forbidden: {message}", .subject.qualified(), .subject.name)]
    Forbidden {
        subject: Subject,
        message: String,
        causes: Vec<Cause>,
    },
    #[error("{0}")]
    Gone(String),
    #[error("the server does not allow this method on the requested resource")]
    MethodNotAllowed,
    #[error("{0}")]
    NotAcceptable(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("Request entity too large: limit is {0}")]
    TooLarge(usize),
    #[error("Unauthorized")]
    Unauthorized,
    #[error("Internal error occurred: {0}")]
    Internal(String),
}

fn join_causes(causes: &[Cause]) -> String {
    match causes {
        [one] => one.display(),
        many => {
            let parts: Vec<String> = many.iter().map(Cause::display).collect();
            format!("[{}]", parts.join(", "))
        }
    }
}

impl ApiError {
    pub fn not_found(group: &str, resource: &str, name: &str) -> Self {
        Self::NotFound(Subject::new(group, resource, name))
    }

    pub fn already_exists(group: &str, resource: &str, name: &str) -> Self {
        Self::AlreadyExists(Subject::new(group, resource, name))
    }

    pub fn conflict(group: &str, resource: &str, name: &str) -> Self {
        Self::Conflict {
            subject: Subject::new(group, resource, name),
            message: "the object has been modified; please apply your changes to the latest version and try again"
                .to_string(),
        }
    }

    pub fn expired(requested: u64, oldest: u64) -> Self {
        Self::Gone(format!("too old resource version: {requested} ({oldest})"))
    }

    pub fn code(&self) -> StatusCode {
        match self {
            Self::NotFound(_) | Self::NoSuchResource => StatusCode::NOT_FOUND,
            Self::AlreadyExists(_) | Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Invalid { .. } | Self::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::Gone(_) => StatusCode::GONE,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The `reason` field: the machine-readable cause clients switch on.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::NotFound(_) | Self::NoSuchResource => "NotFound",
            Self::AlreadyExists(_) => "AlreadyExists",
            Self::Conflict { .. } => "Conflict",
            Self::Invalid { .. } | Self::Unprocessable(_) => "Invalid",
            Self::BadRequest(_) => "BadRequest",
            Self::Forbidden { .. } => "Forbidden",
            Self::Gone(_) => "Expired",
            Self::MethodNotAllowed => "MethodNotAllowed",
            Self::NotAcceptable(_) => "NotAcceptable",
            Self::UnsupportedMediaType(_) => "UnsupportedMediaType",
            Self::TooLarge(_) => "RequestEntityTooLarge",
            Self::Unauthorized => "Unauthorized",
            Self::Internal(_) => "InternalError",
        }
    }

    fn details(&self) -> Option<Value> {
        match self {
            Self::NotFound(s) | Self::AlreadyExists(s) | Self::Conflict { subject: s, .. } => {
                Some(subject_details(s, &[]))
            }
            Self::Forbidden {
                subject, causes, ..
            } => Some(subject_details(subject, causes)),
            Self::Invalid {
                group,
                kind,
                name,
                causes,
            } => {
                let mut details =
                    json!({ "name": name, "kind": kind, "causes": causes_json(causes) });
                if !group.is_empty() {
                    details["group"] = json!(group);
                }
                Some(details)
            }
            Self::Internal(message) => Some(json!({ "causes": [{ "message": message }] })),
            _ => None,
        }
    }

    /// The `meta/v1 Status` object for this failure.
    pub fn status(&self) -> Value {
        let mut status = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.to_string(),
            "reason": self.reason(),
            "code": self.code().as_u16(),
        });
        if let Some(details) = self.details() {
            status["details"] = details;
        }
        status
    }
}

fn subject_details(subject: &Subject, causes: &[Cause]) -> Value {
    let mut details = json!({ "name": subject.name, "kind": subject.resource });
    if !subject.group.is_empty() {
        details["group"] = json!(subject.group);
    }
    if !causes.is_empty() {
        details["causes"] = causes_json(causes);
    }
    details
}

fn causes_json(causes: &[Cause]) -> Value {
    causes
        .iter()
        .map(|c| json!({ "reason": c.reason, "message": c.message, "field": c.field }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_names_the_qualified_resource() {
        let status = ApiError::not_found("apps", "deployments", "web").status();
        assert_eq!(status["message"], "deployments.apps \"web\" not found");
        assert_eq!(status["reason"], "NotFound");
        assert_eq!(status["code"], 404);
        assert_eq!(
            status["details"],
            json!({ "name": "web", "group": "apps", "kind": "deployments" })
        );
    }

    #[test]
    fn invalid_joins_several_causes_in_brackets() {
        let error = ApiError::Invalid {
            group: String::new(),
            kind: "Pod".into(),
            name: "x".into(),
            causes: vec![
                Cause::required("spec.containers", ""),
                Cause::invalid("metadata.name", &json!("X"), "bad"),
            ],
        };
        assert_eq!(
            error.to_string(),
            "Pod \"x\" is invalid: [spec.containers: Required value, metadata.name: Invalid value: \"X\": bad]"
        );
        assert_eq!(
            error.status()["details"]["causes"][0]["reason"],
            "FieldValueRequired"
        );
    }
}
