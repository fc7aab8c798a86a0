//! Reading a request's body: its content type, its size and its whole time bounded.

use axum::body::Bytes;
use axum::http::header::{self, HeaderMap};
use axum::http::StatusCode;

use super::error::ApiError;

const ACCEPTED_TYPES: &str = "application/json, text/plain";

/// `application/json` or `text/plain`, parameters (e.g. `;charset=UTF-8`) ignored.
pub(super) fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let given = headers.get(header::CONTENT_TYPE);
    let essence = given.and_then(|v| v.to_str().ok()).map(|v| {
        v.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    });
    match essence.as_deref() {
        Some("application/json" | "text/plain") => Ok(()),
        _ => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported content type",
            format!(
                "content-type {}; accepted: {ACCEPTED_TYPES}",
                given.map_or("missing".into(), |v| {
                    format!("'{}'", crate::refusal_log::header_value(v.as_bytes()))
                })
            ),
        )
        .counted("content_type")),
    }
}

/// few seconds would otherwise hold its connection for days).
pub const BODY_DEADLINE: std::time::Duration = std::time::Duration::from_secs(10);

/// Reads a body of at most `max` bytes within [`BODY_DEADLINE`].
pub(super) async fn read_body(body: axum::body::Body, max: usize) -> Result<Bytes, ApiError> {
    match tokio::time::timeout(BODY_DEADLINE, axum::body::to_bytes(body, max)).await {
        Err(_) => Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "body too slow",
            format!(
                "the body did not arrive within {} s",
                BODY_DEADLINE.as_secs()
            ),
        )),
        Ok(Err(e)) => {
            let too_large = std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
            Err(if too_large {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body too large",
                    format!("at most {max} bytes per request"),
                )
                .counted("too_large")
            } else {
                ApiError::new(StatusCode::BAD_REQUEST, "cannot read body", e.to_string())
            })
        }
        Ok(Ok(bytes)) => Ok(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header::HeaderValue;

    #[test]
    fn content_types() {
        let mut h = HeaderMap::new();
        assert_eq!(
            check_content_type(&h).unwrap_err().status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
        for ok in [
            "application/json",
            "text/plain;charset=UTF-8",
            "Application/JSON; charset=utf-8",
        ] {
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ok));
            assert!(check_content_type(&h).is_ok(), "{ok}");
        }
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        let e = check_content_type(&h).unwrap_err();
        assert_eq!(
            e.details,
            ["content-type 'application/x-www-form-urlencoded'; accepted: application/json, text/plain"]
        );
    }
}
