//! URL scrubbing: the page path a beacon carries says which step of which service the citizen
//! was on, never who the citizen is.
//!
//! Portals put identifiers in paths (`/ho-so/001190012345`, `/bien-nhan/H99.12-261122-0001`,
//! `/tra-cuu/0912345678`). Query strings and fragments are dropped whole; each path segment that
//! looks like an identifier becomes `:id`.

use crate::core::prelude::*;

use crate::core::privacy;

/// What replaces an identifier-like path segment.
pub const ID_PLACEHOLDER: &str = ":id";
/// Longest scrubbed path a beacon carries; longer paths are cut at a segment boundary and end
/// with [`TRUNCATED`].
pub const MAX_PATH_LEN: usize = 256;
/// The last segment of a path that was too long.
pub const TRUNCATED: &str = ":more";

/// Scrubs a page path (e.g. `location.pathname`). Segments equal to one of `keep` (the
/// service codes the page declared, which are public, and the step slugs it declared) are kept
/// as they are.
///
/// Any other segment survives only if it is a plain ASCII slug (`A–Z a–z 0–9 . _ ~ -`) that
/// the privacy rule lets through ([`privacy::segment_ok`]: no identifier, token, e-mail or
/// person's name). Digits are counted over the whole path, so that a number split over
/// segments (`/sdt/0912/345/678`, `/ngay-sinh/15/08/1990`) is one number: when the segments
/// not kept hold [`privacy::MIN_ID_DIGITS`] digits or more in all, every one of them with a
/// digit becomes `:id`. Anything percent-encoded (a name in Vietnamese, an encoded e-mail)
/// becomes `:id` without being decoded, and `;` parameters (`;jsessionid=…`) are dropped.
pub fn scrub_path(path: &str, keep: &[&str]) -> String {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let segments: Vec<&str> = path
        .split('/')
        .skip(usize::from(path.starts_with('/')))
        .map(|raw| raw.split(';').next().unwrap_or(""))
        .collect();
    let digits: usize = segments
        .iter()
        .filter(|s| !keep.contains(s))
        .map(|s| s.bytes().filter(u8::is_ascii_digit).count())
        .sum();
    let split_number = digits >= privacy::MIN_ID_DIGITS;
    let mut out = String::with_capacity(path.len().min(MAX_PATH_LEN) + 1);
    for segment in segments {
        let kept = keep.contains(&segment)
            || (is_plain_slug(segment)
                && privacy::segment_ok(segment)
                && !(split_number && segment.bytes().any(|b| b.is_ascii_digit())));
        let scrubbed = if kept { segment } else { ID_PLACEHOLDER };
        if out.len() + 1 + scrubbed.len() > MAX_PATH_LEN - TRUNCATED.len() - 1 {
            out.push('/');
            out.push_str(TRUNCATED);
            return out;
        }
        out.push('/');
        out.push_str(scrubbed);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// Scrubs a page path as [`scrub_path`] does, then adds back the query parameters named in
/// `allow` (in the order the page has them), each value kept only if it is a plain slug the
/// privacy rule lets through (`?q=Tran.Thi.Binh` is `?q=:id`), else `:id`. `query` is
/// `location.search`.
pub fn scrub_url(path: &str, query: &str, keep: &[&str], allow: &[String]) -> String {
    let mut out = scrub_path(path, keep);
    let mut first = true;
    for pair in query.trim_start_matches('?').split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if name.is_empty() || !allow.iter().any(|a| a == name) {
            continue;
        }
        let value = if is_plain_slug(value) && privacy::segment_ok(value) {
            value
        } else {
            ID_PLACEHOLDER
        };
        if out.len() + name.len() + value.len() + 2 > MAX_PATH_LEN {
            break;
        }
        out.push(if first { '?' } else { '&' });
        out.push_str(name);
        out.push('=');
        out.push_str(value);
        first = false;
    }
    out
}

/// Whether a segment is made only of the characters a slug uses (the empty segment of a
/// trailing slash included).
fn is_plain_slug(segment: &str) -> bool {
    segment
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'~' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVICE: &[&str] = &["1.001234"];

    #[test]
    fn keeps_the_steps_of_a_service() {
        for path in [
            "/",
            "/dich-vu",
            "/dich-vu/1.001234/buoc-1",
            "/dich-vu/1.001234/buoc-3/",
            "/thu-tuc-hanh-chinh/cap-phieu-ly-lich-tu-phap",
        ] {
            assert_eq!(scrub_path(path, SERVICE), path);
        }
    }

    #[test]
    fn replaces_identifiers_in_paths() {
        let table = [
            ("/ho-so/001190012345", "/ho-so/:id"), // personal identification number
            ("/cmnd/123456789/sua", "/cmnd/:id/sua"), // old 9-digit ID card
            ("/tra-cuu/0912345678", "/tra-cuu/:id"), // phone number
            ("/tra-cuu/%2B84912345678", "/tra-cuu/:id"), // +84 phone, encoded
            ("/doanh-nghiep/0101234567-001", "/doanh-nghiep/:id"), // tax code of a branch
            ("/bhxh/7912345678/so", "/bhxh/:id/so"), // social-insurance number
            ("/nguoi-dung/nguyen.van.a@gmail.com", "/nguoi-dung/:id"), // e-mail
            ("/nguoi-dung/nguyen.van.a%40gmail.com", "/nguoi-dung/:id"), // e-mail, encoded
            (
                "/dich-vu/1.001234/bien-nhan/H99.12-261122-0001",
                "/dich-vu/1.001234/bien-nhan/:id",
            ),
            ("/ho-so/3f2b8c1e-9d4a-4b7e-8f00-aa11bb22cc33", "/ho-so/:id"), // UUID
            ("/phien/a8Kd92LmQ0xZp7Rt", "/phien/:id"),                     // opaque token
            ("/x/2026-11-22", "/x/:id"), // date: six digits or more
        ];
        for (path, want) in table {
            assert_eq!(scrub_path(path, SERVICE), want, "{path}");
        }
    }

    #[test]
    fn names_dates_emails_and_split_numbers_are_identifiers() {
        let table = [
            ("/ho-so/NguyenVanAn", "/ho-so/:id"),
            ("/nguoi-dung/tran.thi.binh", "/nguoi-dung/:id"),
            ("/ho-so/nguyen-van-an/chi-tiet", "/ho-so/:id/chi-tiet"),
            ("/ho-so/le_hoang_anh", "/ho-so/:id"),
            ("/ho-so/lehoanganh/sua", "/ho-so/:id/sua"),
            ("/sdt/0912/345/678", "/sdt/:id/:id/:id"),
            ("/ngay-sinh/15/08/1990", "/ngay-sinh/:id/:id/:id"),
            ("/ngay-sinh/15-08", "/ngay-sinh/:id"),
            ("/u/an.nguyen.gmail.com", "/u/:id"),
            ("/u/an.nguyen.at.yahoo", "/u/:id"),
            ("/dich-vu/1.001234/buoc-2", "/dich-vu/1.001234/buoc-2"),
            ("/dich-vu/1.001234/buoc-2/12", "/dich-vu/1.001234/buoc-2/12"),
        ];
        for (path, want) in table {
            assert_eq!(scrub_path(path, SERVICE), want, "{path}");
        }
        let allow = vec!["q".to_string()];
        assert_eq!(
            scrub_url("/tim-kiem", "?q=Tran.Thi.Binh", SERVICE, &allow),
            "/tim-kiem?q=:id"
        );
        assert_eq!(
            scrub_url("/tim-kiem", "?q=ho-so", SERVICE, &allow),
            "/tim-kiem?q=ho-so"
        );
    }

    #[test]
    fn declared_step_slugs_keep_their_names() {
        assert_eq!(scrub_path("/nguyen-tac/buoc-1", SERVICE), "/:id/buoc-1");
        assert_eq!(
            scrub_path("/nguyen-tac/buoc-1", &["1.001234", "nguyen-tac"]),
            "/nguyen-tac/buoc-1"
        );
    }

    #[test]
    fn drops_path_parameters_such_as_session_ids() {
        assert_eq!(
            scrub_path(
                "/dich-vu/1.001234/buoc-1;jsessionid=ABCDEFGHIJKLMNOPQRSTUVWXYZab12",
                SERVICE
            ),
            "/dich-vu/1.001234/buoc-1"
        );
        assert_eq!(scrub_path("/a;b/c", SERVICE), "/a/c");
    }

    #[test]
    fn keeps_ordinary_slug_words() {
        for path in [
            "/thu-tuc/cap-phieu-ly-lich-tu-phap",
            "/dangkykinhdoanh/buoc-2",
            "/a_b.c~d",
            "//x//",
        ] {
            assert_eq!(scrub_path(path, SERVICE), path);
        }
    }

    #[test]
    fn every_scrubbed_path_is_plain_ascii() {
        let nasty = [
            "/%",
            "/é/ü",
            "/a b",
            "/<script>",
            "/x/\\u0000",
            "/a\"b",
            "/q?x",
            "/@",
        ];
        for path in nasty {
            let scrubbed = scrub_path(path, SERVICE);
            assert!(
                scrubbed
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._~:/-".contains(&b)),
                "{path} -> {scrubbed}"
            );
        }
    }

    #[test]
    fn keeps_only_allowed_query_parameters_with_scrubbed_values() {
        let allow = vec!["buoc".to_string(), "tab".to_string()];
        assert_eq!(
            scrub_url(
                "/dich-vu/1.001234",
                "?cccd=001190012345&buoc=2&tab=ho-so&q=Nguyen",
                SERVICE,
                &allow
            ),
            "/dich-vu/1.001234?buoc=2&tab=ho-so"
        );
        assert_eq!(
            scrub_url("/a", "?buoc=0912345678&tab=a%40b.vn", SERVICE, &allow),
            "/a?buoc=:id&tab=:id"
        );
        assert_eq!(scrub_url("/a", "", SERVICE, &allow), "/a");
        assert_eq!(
            scrub_url("/a", "?buoc=2", SERVICE, &[]),
            "/a",
            "nothing allowed, nothing kept"
        );
    }

    #[test]
    fn drops_query_strings_and_fragments() {
        assert_eq!(
            scrub_path("/dich-vu/1.001234/buoc-1?cccd=001190012345#top", SERVICE),
            "/dich-vu/1.001234/buoc-1"
        );
        assert_eq!(scrub_path("?email=a@b.vn", SERVICE), "/");
        assert_eq!(scrub_path("", SERVICE), "/");
    }

    #[test]
    fn service_codes_are_kept_only_when_declared() {
        assert_eq!(scrub_path("/dich-vu/1.001234", &[]), "/dich-vu/:id");
        assert_eq!(scrub_path("/dich-vu/2.002154", SERVICE), "/dich-vu/:id");
    }

    #[test]
    fn long_paths_are_cut_at_a_segment_boundary() {
        let path = "/buoc".repeat(100);
        let scrubbed = scrub_path(&path, SERVICE);
        assert!(scrubbed.len() <= MAX_PATH_LEN, "{}", scrubbed.len());
        assert!(scrubbed.ends_with("/buoc/:more"), "{scrubbed}");
        let long_segment = format!("/{}", "a".repeat(300));
        assert_eq!(scrub_path(&long_segment, SERVICE), "/:id");
    }

    #[test]
    fn broken_escapes_do_not_panic() {
        for path in ["/%", "/%e", "/%zz", "/%ff%fe", "/a%4"] {
            let scrubbed = scrub_path(path, SERVICE);
            assert!(scrubbed.starts_with('/'), "{path}");
        }
    }
}
