//! Random identifiers: the only way a journey or a beacon is ever identified.
//!
//! The shell draws the bytes from `crypto.getRandomValues`; the core only formats them. An id is
//! never derived from anything about the citizen, the device or the page.
//!
//! Ids are lowercase hex in which every fifth character is a letter (`a`–`f`), so that no id
//! can hold a run of five digits or more: a run of 9–12 digits reads as a phone or citizen-ID
//! number to the PII scanners at a ministry's gateway, which would flag or redact the beacon.
//! A journey id keeps 120 random bits, a beacon id 59.

use crate::core::prelude::*;

use ::core::fmt;

/// Identifies one journey: 16 random bytes as 32 lowercase hex characters, every fifth a letter.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct JourneyId(String);

/// Identifies one beacon, so collectors can drop duplicates: 8 random bytes as 16 lowercase hex
/// characters, every fifth a letter.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BeaconId(String);

impl JourneyId {
    /// Formats 16 random bytes as a journey id.
    pub fn from_random(bytes: [u8; 16]) -> Self {
        JourneyId(hex(&bytes))
    }

    /// The id as sent: 32 lowercase hex characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl BeaconId {
    /// Formats 8 random bytes as a beacon id.
    pub fn from_random(bytes: [u8; 8]) -> Self {
        BeaconId(hex(&bytes))
    }

    /// The id as sent: 16 lowercase hex characters.
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
        if is_our_hex(&s, 32) {
            Ok(JourneyId(s))
        } else {
            Err("a journey id is 32 lowercase hex characters, every fifth a letter")
        }
    }
}

/// Every this many characters, one is a letter.
const LETTER_EVERY: usize = 5;

/// Hex, except that the nibble of every [`LETTER_EVERY`]th character picks one of the six
/// letters: at most four digits in a row, whatever the bytes.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for (i, nibble) in bytes.iter().flat_map(|b| [b >> 4, b & 0x0f]).enumerate() {
        let c = if i % LETTER_EVERY == LETTER_EVERY - 1 {
            b'a' + nibble % 6
        } else {
            DIGITS[usize::from(nibble)]
        };
        out.push(c as char);
    }
    out
}

/// Whether `s` has the shape [`hex`] writes.
fn is_our_hex(s: &str, len: usize) -> bool {
    s.len() == len
        && s.bytes().enumerate().all(|(i, b)| {
            (b'a'..=b'f').contains(&b)
                || (b.is_ascii_digit() && i % LETTER_EVERY != LETTER_EVERY - 1)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_bytes_as_lowercase_hex_with_every_fifth_a_letter() {
        let id = JourneyId::from_random([
            0x00, 0x01, 0x0f, 0x10, 0xab, 0xcd, 0xef, 0xff, 0, 0, 0, 0, 0, 0, 0, 0x7e,
        ]);
        assert_eq!(id.as_str(), "0001af10afcdefdf000a0000a0000a7e");
        assert_eq!(
            BeaconId::from_random([1, 2, 3, 4, 5, 6, 7, 8]).as_str(),
            "0102a3040f0607a8"
        );
    }

    #[test]
    fn no_id_holds_five_digits_in_a_row() {
        // Every byte value in every position, and the all-digit bytes that made 12-digit runs.
        let longest_run = |s: &str| {
            s.split(|c: char| !c.is_ascii_digit())
                .map(str::len)
                .max()
                .unwrap_or(0)
        };
        for b in 0..=255u8 {
            for bytes in [
                [b; 16],
                [
                    0x45, 0x61, 0x98, 0x46, 0x70, b, 0x48, 0x50, 0x55, 0x54, 0x54, 0x51, 0x12,
                    0x34, 0x56, b,
                ],
            ] {
                let id = JourneyId::from_random(bytes);
                assert!(longest_run(id.as_str()) <= 4, "{id}");
                assert_eq!(JourneyId::try_from(id.to_string()), Ok(id.clone()));
            }
            let beacon = BeaconId::from_random([b, 0x12, 0x34, 0x56, 0x78, 0x90, 0x12, b]);
            assert!(longest_run(beacon.as_str()) <= 4, "{}", beacon.as_str());
        }
    }

    #[test]
    fn restores_only_well_formed_journey_ids() {
        assert!(JourneyId::try_from("0123a5678aabcdeabcdeabcdeabcdeab".to_string()).is_ok());
        for bad in [
            "",
            "0123456789abcdef0123456789abcdef", // a digit where a letter must be (an old id)
            "0123A5678AABCDEABCDEABCDEABCDEAB",
            "0123a5678a",
            "0123a5678aabcdeabcdeabcdeabcdeag",
            "001190012345-nguyen-van-a-000000",
        ] {
            assert!(JourneyId::try_from(bad.to_string()).is_err(), "{bad}");
        }
    }
}
