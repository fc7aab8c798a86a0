//! Random identifiers: the only way a journey or a beacon is ever identified.
//!
//! The shell draws the bytes from `crypto.getRandomValues`; the core only formats them. An id is
//! never derived from anything about the citizen, the device or the page.

use std::fmt;

/// Identifies one journey: 128 random bits, written as 32 lowercase hex digits.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct JourneyId(String);

/// Identifies one beacon, so collectors can drop duplicates: 64 random bits, 16 hex digits.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BeaconId(String);

impl JourneyId {
    /// Formats 16 random bytes as a journey id.
    pub fn from_random(bytes: [u8; 16]) -> Self {
        JourneyId(hex(&bytes))
    }

    /// The id as sent: 32 lowercase hex digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl BeaconId {
    /// Formats 8 random bytes as a beacon id.
    pub fn from_random(bytes: [u8; 8]) -> Self {
        BeaconId(hex(&bytes))
    }

    /// The id as sent: 16 lowercase hex digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for JourneyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for JourneyId {
    type Error = &'static str;

    /// Accepts a stored id back only if it still has the exact shape of one we made.
    fn try_from(s: String) -> Result<Self, Self::Error> {
        if is_lower_hex(&s, 32) {
            Ok(JourneyId(s))
        } else {
            Err("a journey id is 32 lowercase hex digits")
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 0x0f) as usize] as char);
    }
    out
}

fn is_lower_hex(s: &str, len: usize) -> bool {
    s.len() == len
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_bytes_as_lowercase_hex() {
        let id = JourneyId::from_random([
            0x00, 0x01, 0x0f, 0x10, 0xab, 0xcd, 0xef, 0xff, 0, 0, 0, 0, 0, 0, 0, 0x7e,
        ]);
        assert_eq!(id.as_str(), "00010f10abcdefff000000000000007e");
        assert_eq!(
            BeaconId::from_random([1, 2, 3, 4, 5, 6, 7, 8]).as_str(),
            "0102030405060708"
        );
    }

    #[test]
    fn restores_only_well_formed_journey_ids() {
        assert!(JourneyId::try_from("0123456789abcdef0123456789abcdef".to_string()).is_ok());
        for bad in [
            "",
            "0123456789ABCDEF0123456789ABCDEF",
            "0123456789abcdef",
            "0123456789abcdef0123456789abcdeg",
            "001190012345-nguyen-van-a-000000",
        ] {
            assert!(JourneyId::try_from(bad.to_string()).is_err(), "{bad}");
        }
    }
}
