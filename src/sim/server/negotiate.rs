//! Content negotiation: what representation the `Accept` header asks for.

use crate::sim::status::ApiError;

/// The representation of a read response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Representation {
    /// The objects themselves.
    Object,
    /// A `meta.k8s.io` Table, in this API version (`v1` or `v1beta1`).
    Table(&'static str),
    /// `PartialObjectMetadata` / `PartialObjectMetadataList` in this API version.
    Metadata(&'static str),
}

struct MediaRange<'a> {
    media: &'a str,
    params: Vec<(&'a str, &'a str)>,
}

fn ranges(accept: &str) -> Vec<MediaRange<'_>> {
    accept
        .split(',')
        .map(|range| {
            let mut parts = range.split(';').map(str::trim);
            let media = parts.next().unwrap_or("");
            let params = parts
                .filter_map(|p| p.split_once('='))
                .map(|(k, v)| (k.trim(), v.trim()))
                .collect();
            MediaRange { media, params }
        })
        .collect()
}

const SERVED: &str = "application/json, application/yaml, application/vnd.kubernetes.protobuf";

/// Picks the first acceptable range. JSON is the only wire format; protobuf-only or CBOR-only
/// clients get 406.
pub fn negotiate(accept: Option<&str>) -> Result<Representation, ApiError> {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Ok(Representation::Object);
    };
    for range in ranges(accept) {
        let json_like = matches!(
            range.media,
            "application/json" | "*/*" | "application/*" | "application/yaml"
        );
        if !json_like {
            continue;
        }
        let param = |key: &str| {
            range
                .params
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| *v)
        };
        let version = match param("v") {
            Some("v1") => "v1",
            Some("v1beta1") => "v1beta1",
            _ => "v1",
        };
        match (param("as"), param("g")) {
            (None, _) => return Ok(Representation::Object),
            (Some("Table"), Some("meta.k8s.io")) => return Ok(Representation::Table(version)),
            (Some("PartialObjectMetadata" | "PartialObjectMetadataList"), Some("meta.k8s.io")) => {
                return Ok(Representation::Metadata(version));
            }
            _ => continue,
        }
    }
    Err(ApiError::NotAcceptable(format!(
        "only the following media types are accepted: {SERVED}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_get_asks_for_a_table() {
        let accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
        assert_eq!(
            negotiate(Some(accept)).expect("acceptable"),
            Representation::Table("v1")
        );
    }

    #[test]
    fn discovery_v2_falls_back_to_plain_json() {
        let accept =
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";
        assert_eq!(
            negotiate(Some(accept)).expect("acceptable"),
            Representation::Object
        );
    }

    #[test]
    fn protobuf_only_is_not_acceptable() {
        assert_eq!(
            negotiate(Some("application/vnd.kubernetes.protobuf"))
                .expect_err("406")
                .code()
                .as_u16(),
            406
        );
        assert_eq!(
            negotiate(Some("application/vnd.kubernetes.protobuf, */*")).expect("acceptable"),
            Representation::Object
        );
    }
}
