//! URL scrubbing: the page path a beacon carries says which step of which service the citizen
//! was on, never who the citizen is.
//!
//! Portals put identifiers in paths (`/ho-so/001190012345`, `/bien-nhan/H99.12-261122-0001`,
//! `/tra-cuu/0912345678`). Query strings and fragments are dropped whole; each path segment that
//! looks like an identifier becomes `:id`.

/// What replaces an identifier-like path segment.
pub const ID_PLACEHOLDER: &str = ":id";
/// Longest scrubbed path a beacon carries; longer paths are cut at a segment boundary and end
/// with [`TRUNCATED`].
pub const MAX_PATH_LEN: usize = 256;
/// The last segment of a path that was too long.
pub const TRUNCATED: &str = ":more";

/// A segment with this many digits or more is taken for an identifier: it catches 12-digit
/// personal identification numbers, 9-digit old ID cards, 10-digit phone numbers,
/// social-insurance numbers and tax codes, and dossier codes built from dates.
const MIN_ID_DIGITS: usize = 6;
/// A segment this long that mixes letters and digits without separators is taken for a token.
const MIN_TOKEN_LEN: usize = 16;
/// A segment longer than this is dropped: no slug a portal uses for a step is that long, and
/// free text may carry names.
const MAX_SEGMENT_LEN: usize = 64;

/// Scrubs a page path (e.g. `location.pathname`). Segments equal to one of `keep` (the
/// service codes the page declared, which are public) are kept even though they contain digits.
pub fn scrub_path(path: &str, keep: &[&str]) -> String {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let mut out = String::with_capacity(path.len().min(MAX_PATH_LEN) + 1);
    for segment in path.split('/').skip_while(|s| s.is_empty()) {
        let scrubbed = if keep.contains(&segment) || !is_identifier_like(segment) {
            segment
        } else {
            ID_PLACEHOLDER
        };
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

/// Whether a path segment (still percent-encoded) looks like it identifies a person or a
/// dossier.
pub fn is_identifier_like(segment: &str) -> bool {
    let decoded = percent_decode(segment);
    if decoded.len() > MAX_SEGMENT_LEN || decoded.contains('@') || is_uuid(&decoded) {
        return true;
    }
    let digits = decoded.chars().filter(char::is_ascii_digit).count();
    if digits >= MIN_ID_DIGITS {
        return true;
    }
    let has_separator = decoded.contains(['-', '_', '.', '~']);
    let has_letter = decoded.chars().any(|c| c.is_alphabetic());
    decoded.chars().count() >= MIN_TOKEN_LEN && digits > 0 && has_letter && !has_separator
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Decodes `%XX` escapes; invalid escapes and invalid UTF-8 are kept or replaced, never fatal.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hi = (bytes[i + 1] as char).to_digit(16);
            let lo = (bytes[i + 2] as char).to_digit(16);
            if let (Some(hi), Some(lo)) = (hi, lo) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
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
