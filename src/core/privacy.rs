//! The privacy rule: what text may leave the browser as a key, a step, a path segment or a
//! source name. Every one of them passes through here, and so does everything the collector
//! stores (it applies the same rule again, as a second gate).
//!
//! Keys come from text a page holds — the `name` or `id` a developer wrote, `data-probe-key`,
//! a form's `id`, a step given to `mark()`, a `data-prefill-source` — or, when a field has
//! none of these, from its label, which the page wrote for the citizen to read and which
//! server-rendered forms fill with the citizen (`Số điện thoại của Nguyễn Văn An`, `Chủ hộ:
//! Trần Thị Bình`). A text becomes a key only if nothing in it can be a person's name, a
//! number (in any digit script), an e-mail address (in any spelling), a date or an address;
//! otherwise the caller uses a structural key (`#3`, the field's position), which is stable
//! and says nothing. Erring is allowed one way only: a harmless text taken for personal data
//! costs a readable key, never the reverse.
//!
//! How a name is recognised without a dictionary of people: Vietnamese names start with one of
//! a few dozen family names (Nguyễn, Trần, Lê… — the 14 most common cover nine people in ten)
//! and most carry a middle name (Văn, Thị). Text is folded (lowercase, diacritics off: the same
//! rule holds with and without them, in any case), split into words (camelCase and
//! `snake_case` too), and words written together (`nguyenvanan`) into Vietnamese syllables by
//! their regular shape (onset, vowels, final). A family name, or Văn/Thị, followed by another
//! syllable is a name, unless the pair is one of the ordinary words that start that way (`họ
//! tên`, `hồ sơ`, `định danh`, `lệ phí`, `đăng ký`, `văn bản`, `thị xã`…). Text a page shows
//! (a label) is held to more: only what comes before a colon counts (`Chủ hộ: …` is the label
//! `Chủ hộ` and its value), at most eight words, and no capitalised word after the first — a
//! proper noun mid-sentence is a name or a place.

use crate::core::prelude::*;

/// Longest key, step or source name, in characters.
pub const MAX_KEY_CHARS: usize = 64;
/// Most words a label may have to become a key: longer text is a sentence, not a label.
pub const MAX_LABEL_WORDS: usize = 8;

/// Who wrote a text, which decides how strict the rule is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    /// A developer, in markup or code: `name`, `id`, `data-probe-key`, a form's `id`, a
    /// `mark()` step, a `data-prefill-source`.
    ByDeveloper,
    /// The page, for the citizen to read: a label, `aria-label`, `aria-labelledby` text.
    OnPage,
}

/// The text as a key (whitespace collapsed; for page text, what comes before a colon, trailing
/// `*` off), if it is safe to send; `None` if it might say who the citizen is.
pub fn key(text: &str, written: Written) -> Option<String> {
    let text = match written {
        Written::ByDeveloper => text,
        Written::OnPage => text.split([':', '：']).next().unwrap_or(""),
    };
    let mut key = crate::core::text::join(text.split_whitespace(), " ");
    if written == Written::OnPage {
        key = key.trim_end_matches(['*', ' ']).to_string();
    }
    let ok = !key.is_empty()
        && crate::core::text::char_count(&key) <= MAX_KEY_CHARS
        && is_safe(&key, written)
        && (written == Written::ByDeveloper || reads_like_a_label(&key));
    ok.then_some(key)
}

/// Whether a text can leave the browser: no control character, no e-mail address, no person's
/// name, no digit of another script, and few ASCII digits — in page text one number of at most
/// two (`Địa chỉ 2`), in a developer's name at most two numbers of fewer than
/// [`MIN_ID_DIGITS`] digits in all (`row-123`, `ctl00_txt1`).
pub fn is_safe(text: &str, written: Written) -> bool {
    let (runs, digits) = match written {
        Written::OnPage => (1, 2),
        Written::ByDeveloper => (2, MIN_ID_DIGITS - 1),
    };
    !text.chars().any(char::is_control)
        && !has_email(text)
        && digits_allowed(text, runs, digits)
        && !has_date(text)
        && !names_a_person(text)
}

/// A date: two numbers joined by `/`, `-` or `.` (`15/08`, `08-1990`), or a number next to a
/// word of dates (`ngày 15`, `tháng 8`, `năm 1990`, `sinh 1990`, `day 3`).
pub fn has_date(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let joined = chars
        .windows(3)
        .any(|w| w[0].is_ascii_digit() && matches!(w[1], '/' | '-' | '.') && w[2].is_ascii_digit());
    let folded = fold(text);
    let tokens: Vec<&str> = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    const DATE_WORDS: [&str; 8] = [
        "ngay", "thang", "nam", "sinh", "day", "month", "year", "dob",
    ];
    let number = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    joined
        || tokens.windows(2).any(|w| {
            (DATE_WORDS.contains(&w[0]) && number(w[1]))
                || (number(w[0]) && DATE_WORDS.contains(&w[1]))
        })
}

/// Whether a text reads like a label rather than a sentence about someone: at most
/// [`MAX_LABEL_WORDS`] words, and no capitalised word but the first of a phrase (the text's
/// first word, or one after `/`, `(`, `,`, `;`, `-`). Acronyms, all in capitals (`CCCD`), are
/// fine.
fn reads_like_a_label(text: &str) -> bool {
    let mut words = 0;
    let mut phrase_start = true;
    for word in text.split_whitespace() {
        let leading = word.trim_start_matches(|c: char| !is_letter(c));
        if leading.len() != word.len() && word.starts_with(['/', '(', '-', '–']) {
            phrase_start = true;
        }
        if !leading.is_empty() {
            words += 1;
            let mut letters = leading.chars().take_while(|c| is_letter(*c));
            let capitalised = letters.next().is_some_and(is_upper) && letters.any(is_lower);
            if capitalised && !phrase_start && !KNOWN_CAPITALISED.contains(&leading) {
                return false;
            }
            phrase_start = false;
        }
        if word.ends_with(['/', '(', ',', ';', '-', '–']) {
            phrase_start = true;
        }
    }
    words <= MAX_LABEL_WORDS
}

/// Capitalised words portals put in labels that are no one's name.
const KNOWN_CAPITALISED: [&str; 4] = ["VNeID", "Email", "E-mail", "Zalo"];

/// The value of a decimal digit of any script (ASCII, fullwidth, Arabic-Indic, Devanagari,
/// Thai, Khmer, mathematical…), or of a superscript, subscript or circled digit; `None` for
/// anything else.
pub fn digit_value(c: char) -> Option<u32> {
    let cp = u32::from(c);
    if c.is_ascii_digit() {
        return Some(cp - 0x30);
    }
    if cp < 0x660 {
        return match cp {
            0xB2 | 0xB3 => Some(cp - 0xB0),
            0xB9 => Some(1),
            _ => None,
        };
    }
    // The zeros of the decimal digit sets in Unicode (each is followed by 1–9).
    const ZEROS: [u32; 44] = [
        0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6,
        0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
        0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0x2070, 0x2080, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0,
        0xAA50, 0xABF0, 0xFF10, 0x104A0, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6,
    ];
    if let Some(zero) = ZEROS.iter().find(|&&z| (z..z + 10).contains(&cp)) {
        return Some(cp - zero);
    }
    match cp {
        0x2074..=0x2079 => Some(cp - 0x2070),
        0x2460..=0x2468 => Some(cp - 0x245F), // ① … ⑨
        0x2469..=0x2473 => Some(10),          // ⑩ … ⑳: a number anyway
        _ => None,
    }
}

/// At most `max_runs` numbers of `max_digits` ASCII digits in all; no digit of another script
/// at all (no developer writes `ｓｄｔ１`, and a label that does is the citizen's).
fn digits_allowed(text: &str, max_runs: usize, max_digits: usize) -> bool {
    let (mut runs, mut digits, mut previous) = (0, 0, false);
    for c in text.chars() {
        let digit = digit_value(c).is_some();
        if digit && !c.is_ascii_digit() {
            return false;
        }
        if digit {
            digits += 1;
            runs += usize::from(!previous);
        }
        previous = digit;
    }
    runs <= max_runs && digits <= max_digits
}

/// An `@` of any width, `(at)` or `[at]`, `a còng` (Vietnamese for `@`), a mail provider's
/// name, or a domain ending (`.com`, `.vn`…) after a dot.
pub fn has_email(text: &str) -> bool {
    if text.contains(['@', '＠', '﹫']) {
        return true;
    }
    let folded = fold(text);
    if ["(at)", "[at]", "{at}", "<at>", " at ", "a cong"]
        .iter()
        .any(|p| includes(&folded, p))
    {
        return true;
    }
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    const PROVIDERS: [&str; 11] = [
        "gmail",
        "googlemail",
        "yahoo",
        "ymail",
        "hotmail",
        "outlook",
        "icloud",
        "protonmail",
        "msn",
        "aol",
        "zoho",
    ];
    const ENDINGS: [&str; 8] = ["com", "vn", "net", "org", "edu", "gov", "info", "biz"];
    words.iter().any(|w| PROVIDERS.contains(w))
        || (folded.contains(['.', '_'])
            && words.len() > 1
            && words.last().is_some_and(|w| ENDINGS.contains(w)))
}

/// Where `needle` first occurs in `hay` (bytes), by a plain scan: the standard substring
/// search (`str::find(&str)`, `contains`, `replace`) costs the wasm ~3 KB for the few short
/// needles the core looks for.
pub fn position(hay: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    (needle.len() <= hay.len())
        .then(|| (0..=hay.len() - needle.len()).find(|&i| &hay[i..i + needle.len()] == needle))
        .flatten()
}

/// Whether `needle` occurs in `hay` (see [`position`]).
pub fn includes(hay: &str, needle: &str) -> bool {
    position(hay, needle).is_some()
}

/// Whether the text holds a person's name (see the module's header): a family name or a
/// middle name followed by another Vietnamese syllable (not a word that is none, such as
/// `html`), unless the two make an ordinary word.
pub fn names_a_person(text: &str) -> bool {
    let syllables = syllables(text);
    syllables.windows(2).any(|pair| {
        let ((first, _), (next, next_is_syllable)) = (&pair[0], &pair[1]);
        let (first, next) = (first.as_str(), next.as_str());
        *next_is_syllable
            && (listed(SURNAMES, first) || listed(MIDDLE_NAMES, first))
            && !listed(FUNCTION_WORDS, next)
            && !starts_an_ordinary_word(first, next)
    })
}

/// Family names, folded: the most common ones, which cover nearly everyone. Rarer ones that
/// are also everyday words on forms (Mã — `mã số`, Chu — `chủ hộ`, Tôn — `tôn giáo`, Quan —
/// `quận`, Từ — `từ khóa`) are left out; a name with one of them is still caught by its
/// middle name or, in a label, by its capitals.
const SURNAMES: &str = "nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly dao doan vuong trinh truong lam phung mai to ha ta cao luong dinh quach luu thai kieu chau trieu kim giang thach diep khuong lu nghiem ong";

/// Middle names that mark a name on their own: Văn, Thị.
const MIDDLE_NAMES: &str = "van thi";

/// Words that may follow a family name without making a name: `họ và tên`, `họ của`.
const FUNCTION_WORDS: &str = "va voi cua hoac la cho";

/// Ordinary words, folded, whose first syllable is a family name or Văn/Thị (`họ tên`, `hồ sơ`,
/// `định danh`…): the pairs a field, a form or a step of a public service is named with, as
/// `first:next,next` entries.
const WORDS_STARTING_LIKE_A_NAME: &str =
    "ho:ten,lot,so,chieu,khau,gia,tro,ngheo,tich,dem,chu le:phi,hoi vu:viec,an vo:chong \
     dang:ky,nhap,xuat,vien,tai do:thi,tuoi,dai duong:pho,dan,day,bo ly:do,lich,hon dao:tao \
     doan:vien,the lam:viec,nghiep,lai to:khai,dan,chuc,cao,truong ha:noi,tang cao:dang,tuoi \
     luong:co,thang,huu dinh:danh,kem,dang,ky luu:tru,y,hoc thai:san kieu:bao \
     nguyen:quan,nhan,don pham:vi,nhan phan:loai,hoi,cong,mem,tram trinh:do,bay \
     truong:hop,hoc,phong,cuoi,dau,du,thong,nhap,bat chau:a giang:vien,day mai:tang van:ban,phong,hoa,bang,thu,kien \
     thi:tran,xa,thuc,truong,hanh,sinh,diem,nghiem";

/// Whether `word` is one of the space-separated words of `list`. (Tables are written as text:
/// an array of `&str` would cost the wasm a pointer and a length per entry.)
fn listed(list: &str, word: &str) -> bool {
    list.split(' ').any(|w| w == word)
}

/// Whether `first next` is one of [`WORDS_STARTING_LIKE_A_NAME`] (`first:next,next …`).
fn starts_an_ordinary_word(first: &str, next: &str) -> bool {
    WORDS_STARTING_LIKE_A_NAME.split(' ').any(|entry| {
        entry
            .split_once(':')
            .is_some_and(|(f, nexts)| f == first && nexts.split(',').any(|n| n == next))
    })
}

/// The text's words folded and cut into syllables, in order: `ho_ten_NguyenVanAn` →
/// `ho ten nguyen van an`; `tranthibinh` → `tran thi binh`. A word that is not Vietnamese
/// syllables (`email`, `cmnd`) stays whole.
pub fn syllables_of(text: &str) -> Vec<String> {
    syllables(text).into_iter().map(|(s, _)| s).collect()
}

/// As [`syllables_of`], each with whether it is a syllable (`false`: a word left whole).
fn syllables(text: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for word in words(text) {
        match segment(&word) {
            Some(cuts) => {
                let mut start = 0;
                for end in cuts {
                    out.push((word.get(start..end).unwrap_or_default().to_string(), true));
                    start = end;
                }
            }
            None => out.push((word, false)),
        }
    }
    out
}

/// Folded words: runs of letters, cut also where a capital follows a small letter
/// (`NguyenVanAn`), digits and everything else separating them.
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in text.chars() {
        if is_combining(c) {
            continue;
        }
        if !is_letter(c) {
            if !word.is_empty() {
                out.push(::core::mem::take(&mut word));
            }
            previous_lower = false;
            continue;
        }
        if is_upper(c) && previous_lower && !word.is_empty() {
            out.push(::core::mem::take(&mut word));
        }
        previous_lower = is_lower(c);
        word.push(fold_char(c));
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// Lowercase, diacritics off, other characters as they are: `Nguyễn Thị` → `nguyen thi`.
pub fn fold(text: &str) -> String {
    text.chars()
        .filter(|c| !is_combining(*c))
        .map(fold_char)
        .collect()
}

/// A letter lowercased with its diacritics taken off (Latin-1, the Vietnamese letters of Latin
/// Extended A/B and Latin Extended Additional); anything else unchanged.
fn fold_char(c: char) -> char {
    let cp = u32::from(c);
    match cp {
        0x41..=0x5A => c.to_ascii_lowercase(),
        0xC0..=0xC5 | 0xE0..=0xE5 | 0x102 | 0x103 | 0x1EA0..=0x1EB7 => 'a',
        0xC7 | 0xE7 => 'c',
        0xD0 | 0xF0 | 0x110 | 0x111 => 'd',
        0xC8..=0xCB | 0xE8..=0xEB | 0x1EB8..=0x1EC7 => 'e',
        0xCC..=0xCF | 0xEC..=0xEF | 0x128 | 0x129 | 0x1EC8..=0x1ECB => 'i',
        0xD1 | 0xF1 => 'n',
        0xD2..=0xD6 | 0xD8 | 0xF2..=0xF6 | 0xF8 | 0x1A0 | 0x1A1 | 0x1ECC..=0x1EE3 => 'o',
        0xD9..=0xDC | 0xF9..=0xFC | 0x168 | 0x169 | 0x1AF | 0x1B0 | 0x1EE4..=0x1EF1 => 'u',
        0xDD | 0xFD | 0xFF | 0x1EF2..=0x1EF9 => 'y',
        _ => c,
    }
}

/// A combining mark (Vietnamese typed in decomposed form: `e` + U+0302 + U+0301).
fn is_combining(c: char) -> bool {
    ('\u{300}'..='\u{36F}').contains(&c)
}

/// Whether `c` is a capital letter of the scripts keys are written in.
fn is_upper(c: char) -> bool {
    let cp = u32::from(c);
    match cp {
        0x41..=0x5A => true,
        0xC0..=0xDE => cp != 0xD7,
        0x100..=0x17F | 0x1EA0..=0x1EF9 => cp % 2 == 0,
        0x1A0 | 0x1AF => true,
        _ => false,
    }
}

/// Whether `c` is a small letter of the scripts keys are written in.
fn is_lower(c: char) -> bool {
    let cp = u32::from(c);
    match cp {
        0x61..=0x7A => true,
        0xDF..=0xFF => cp != 0xF7,
        0x100..=0x17F | 0x1EA0..=0x1EF9 => cp % 2 == 1,
        0x1A1 | 0x1B0 => true,
        _ => false,
    }
}

/// Whether `c` belongs to a word: an ASCII letter, any character beyond ASCII that is not a
/// digit, a space or punctuation (a letter of another script is part of a word, not a
/// separator), or a combining mark.
fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    let cp = u32::from(c);
    !(c.is_whitespace()
        || digit_value(c).is_some()
        || (0xA0..=0xBF).contains(&cp)
        || cp == 0xD7
        || cp == 0xF7
        || (0x2000..=0x206F).contains(&cp)
        || (0x3000..=0x303F).contains(&cp)
        || (0xFE50..=0xFE6F).contains(&cp)
        || (0xFF00..=0xFF0F).contains(&cp)
        || (0xFF1A..=0xFF20).contains(&cp)
        || (0xFF3B..=0xFF40).contains(&cp)
        || (0xFF5B..=0xFF65).contains(&cp))
}

/// Where a folded word splits into Vietnamese syllables (the end of each), longest syllable
/// first; `None` if it does not split so (it is not Vietnamese).
fn segment(word: &str) -> Option<Vec<usize>> {
    let bytes = word.as_bytes();
    if !bytes.iter().all(u8::is_ascii_lowercase) {
        return None;
    }
    let mut cuts = Vec::new();
    split_from(bytes, 0, &mut cuts).then_some(cuts)
}

fn split_from(bytes: &[u8], start: usize, cuts: &mut Vec<usize>) -> bool {
    if start == bytes.len() {
        return true;
    }
    let ends = syllable_ends(&bytes[start..]);
    // Longest syllable first.
    for len in (1..ends.len()).rev().filter(|&len| ends[len]) {
        cuts.push(start + len);
        if split_from(bytes, start + len, cuts) {
            return true;
        }
        cuts.pop();
    }
    false
}

/// Which lengths of Vietnamese syllable `text` can start with (`ends[len]`): an onset
/// (`ngh`, `tr`, `qu`…, or none), a vowel cluster Vietnamese has (`uye` of *nguyên*, `oai` of
/// *thoại*), and a final (`ng`, `nh`, `ch`, `c`, `m`, `n`, `p`, `t`) where that cluster takes
/// one — so that English (`people` is no `peop`-`le`) rarely reads as Vietnamese.
fn syllable_ends(text: &[u8]) -> [bool; MAX_SYLLABLE + 1] {
    // Onsets (the empty one last), finals, and the vowel clusters (folded) that take a final
    // and those that end the syllable themselves.
    const ONSETS: &str = "ngh ch gh gi kh ng nh ph qu th tr b c d g h k l m n p r s t v x ";
    const FINALS: &str = "c m n p t ch ng nh";
    const CLOSED: &str = "a e i o u y ie ye uo ua oa oe ue uy uye oo";
    const OPEN: &str =
        "ai ao au ay eo eu ia iu oi ui uu uoi uou uya uyu ieu yeu oai oay oeo uay uau";
    let has = |list: &str, part: &[u8]| list.split(' ').any(|w| w.as_bytes() == part);
    let vowel = |b: &u8| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y');
    let mut ends = [false; MAX_SYLLABLE + 1];
    for onset in ONSETS.split(' ').map(str::as_bytes) {
        if !text.starts_with(onset) {
            continue;
        }
        let rest = &text[onset.len()..];
        let vowels = rest.iter().take(3).take_while(|b| vowel(b)).count();
        for n in 1..=vowels {
            let cluster = &rest[..n];
            let closed = has(CLOSED, cluster);
            if closed || has(OPEN, cluster) {
                ends[onset.len() + n] = true;
            }
            if closed {
                for last in FINALS.split(' ').map(str::as_bytes) {
                    if rest[n..].starts_with(last) {
                        ends[onset.len() + n + last.len()] = true;
                    }
                }
            }
        }
    }
    ends
}

/// Longest Vietnamese syllable: a three-letter onset, three vowels, a two-letter final.
const MAX_SYLLABLE: usize = 8;

/// A text (a path segment, a developer's name) with this many digits or more is taken for an
/// identifier: it catches 12-digit
/// personal identification numbers, 9-digit old ID cards, 10-digit phone numbers,
/// social-insurance numbers and tax codes, and dossier codes built from dates.
pub const MIN_ID_DIGITS: usize = 6;
/// A word (a run of letters and digits between separators) this long that mixes letters with
/// digits, or upper with lower case, is taken for a token: slugs are lowercase words.
const MIN_TOKEN_LEN: usize = 12;
/// A word this long is taken for a token whatever it is made of.
const MAX_WORD_LEN: usize = 24;
/// A path segment longer than this is taken for an identifier: no slug a portal uses for a step is that long, and
/// free text may carry names.
const MAX_SEGMENT_LEN: usize = 64;

/// Whether a string (a path segment, a developer's name) looks like it identifies a person, a
/// dossier or a session: an `@`, a UUID, six digits or more, a long or mixed-case word.
pub fn is_identifier_like(text: &str) -> bool {
    if text.len() > MAX_SEGMENT_LEN || text.contains('@') || is_uuid(text) {
        return true;
    }
    if text.chars().filter(char::is_ascii_digit).count() >= MIN_ID_DIGITS {
        return true;
    }
    // ASCII classes on purpose: Unicode's tables would cost the wasm ~10 KB for words that,
    // in a token, are ASCII anyway.
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .any(is_token_like)
}

/// A word that reads like a generated token rather than a slug word.
fn is_token_like(word: &str) -> bool {
    let len = crate::core::text::char_count(word);
    if len >= MAX_WORD_LEN {
        return true;
    }
    if len < MIN_TOKEN_LEN {
        return false;
    }
    let digit = word.chars().any(|c| c.is_ascii_digit());
    let upper = word.bytes().any(|b| b.is_ascii_uppercase());
    let lower = word.bytes().any(|b| b.is_ascii_lowercase());
    (digit && (upper || lower)) || (upper && lower)
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether a path segment or query value (a plain ASCII slug) may be sent: no identifier or
/// token, no e-mail address (`an.nguyen.gmail.com`), no date (`15-08`), no person's name
/// (`tran.thi.binh`, `NguyenVanAn`, `nguyen-van-an`). Digits are the path's business: they are
/// counted over the whole path (see `url::scrub_path`).
pub fn segment_ok(segment: &str) -> bool {
    !is_identifier_like(segment)
        && !has_email(segment)
        && !has_date(segment)
        && !names_a_person(segment)
}

/// Why a service code cannot be one, if it cannot: codes are public catalogue numbers
/// (`1.001234`, `2.002154`), never a citizen's number, e-mail or name.
pub fn service_code_problem(code: &str) -> Option<&'static str> {
    let longest_run = code
        .split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0);
    if longest_run >= 9 {
        Some("it holds a run of 9 or more digits, like a citizen ID or phone number")
    } else if has_email(code) {
        Some("it looks like an e-mail address")
    } else if names_a_person(code) {
        Some("it looks like a person's name")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Labels, names, addresses and identifiers a Vietnamese form may hold, with and without
    /// diacritics, in any case and digit script: none may become a key.
    const PERSONAL: [&str; 59] = [
        "Số điện thoại của Nguyễn Văn An",
        "So dien thoai cua Nguyen Van An",
        "SỐ ĐIỆN THOẠI CỦA NGUYỄN VĂN AN",
        "số điện thoại của nguyễn văn an",
        "Chủ hộ Trần Thị Bình",
        "CHU HO TRAN THI BINH",
        "Nguyễn Văn An, sinh năm 1990",
        "Địa chỉ Số 12 ngõ 34 Hàng Bông",
        "Tôi, Nguyễn Văn An, CCCD 001099012345, cam đoan",
        "００１１９００１２３４５",
        "số ０９１２",
        "SĐT ٠٩١٢٣٤٥٦٧٨",
        "CCCD ①②③",
        "an.nguyen＠gmail.com",
        "an.nguyen (at) gmail.com",
        "an.nguyen [at] yahoo.com",
        "an.nguyen a còng gmail chấm com",
        "an.nguyen.gmail.com",
        "lien.he.tran.thi.binh",
        "ho_ten_NguyenVanAn",
        "hoTenNguyenVanAn",
        "nguyenvanan",
        "tranthibinh",
        "NGUYENVANAN",
        "Lê Hoàng Anh",
        "lehoanganh",
        "Phạm Minh Tuấn",
        "pham_minh_tuan",
        "Hoàng Thị Lan",
        "Huỳnh Tấn Phát",
        "Võ Văn Kiệt",
        "Đặng Thùy Trâm",
        "dang_thuy_tram",
        "Bùi Xuân Phái",
        "Đỗ Mười",
        "Hồ Xuân Hương",
        "Ngô Bảo Châu",
        "Dương Thu Hương",
        "Lý Công Uẩn",
        "Trương Mỹ Lan",
        "Lâm Vỹ Dạ",
        "Văn Cao",
        "Thị Nở",
        "người liên hệ Mai Phương Thúy",
        "ngày sinh 15/08/1990",
        "15-08-1990",
        "sinh ngày 15 tháng 8",
        "năm sinh 1990",
        "đường Lê Lợi",
        "duong_le_loi",
        "0912345678",
        "số 0912 345 678",
        "tk_0123456789",
        "Trần Văn Bình",
        "Nguyễn Thị Minh Khai",
        "nguyen thi minh khai",
        "Nguyễn Ánh",
        "Vu Thi Hoa",
        "Ông Nguyễn",
    ];

    /// Labels a page shows about the citizen without a family name: the part that names them
    /// never reaches a key.
    const ON_PAGE: [(&str, &str); 8] = [
        ("Số điện thoại của An", "An"),
        ("Số điện thoại của anh An", "An"),
        ("Cô Ba", "Ba"),
        ("Thôn Đông, xã Tân Phong", "Phong"),
        ("Người nhận: Bình", "Bình"),
        ("Địa chỉ: Số 12 ngõ 34 Hàng Bông", "Bông"),
        ("Chủ hộ: Trần Thị Bình", "Bình"),
        ("Email đăng ký: an.nguyen@gmail.com", "nguyen"),
    ];

    /// Keys forms really use: each stays readable.
    const ORDINARY: [&str; 45] = [
        "ho_ten",
        "hoTen",
        "txtHoTen",
        "hoten",
        "ho_va_ten",
        "ho_lot",
        "so_dinh_danh",
        "so_dinh_danh_me",
        "noi_thuong_tru",
        "noi_lam_viec",
        "co_quan_tiep_nhan",
        "so_ho_chieu",
        "ma_ho_so",
        "ma_buu_chinh",
        "quan_huyen",
        "tinh_thanh",
        "nguyen_quan",
        "le_phi",
        "dang_ky",
        "dangkykinhdoanh",
        "ly_do",
        "duong_pho",
        "to_khai",
        "dia_chi_2",
        "so_dien_thoai",
        "email",
        "ctl00$MainContent$txtSoCMND",
        "chu_tai_khoan",
        "nguoi_lien_he",
        "tu_khoa",
        "van_ban_dinh_kem",
        "thi_tran",
        "form-buoc-1",
        "CSDLQG-DC",
        "cam_ket",
        "quoc_tich",
        "dan_toc",
        "gioi_tinh",
        "ngay_sinh",
        "buoc-12",
        "xac-nhan",
        "truong_hop",
        "truong_cuoi",
        "phan_loai",
        "dinh_kem",
    ];

    const LABELS: [&str; 10] = [
        "Họ và tên",
        "HỌ VÀ TÊN",
        "Số điện thoại",
        "Số tài khoản",
        "Chi nhánh",
        "Mã SWIFT",
        "Hình thức nhận trả lời",
        "Số CCCD / Mã định danh",
        "Địa chỉ email",
        "Ngày sinh",
    ];

    #[test]
    fn no_name_number_email_date_or_address_becomes_a_key() {
        for text in PERSONAL {
            for written in [Written::ByDeveloper, Written::OnPage] {
                assert_eq!(key(text, written), None, "{text} ({written:?})");
            }
        }
    }

    #[test]
    fn what_a_label_says_of_the_citizen_never_reaches_a_key() {
        for (label, personal) in ON_PAGE {
            if let Some(key) = key(label, Written::OnPage) {
                assert!(!fold(&key).contains(&fold(personal)), "{label} -> {key}");
            }
        }
    }

    #[test]
    fn the_keys_forms_use_stay_readable() {
        for text in ORDINARY {
            assert_eq!(
                key(text, Written::ByDeveloper).as_deref(),
                Some(text),
                "{text}: {:?}",
                syllables_of(text)
            );
        }
        for text in LABELS {
            assert_eq!(key(text, Written::OnPage).as_deref(), Some(text), "{text}");
        }
    }

    #[test]
    fn a_label_is_what_comes_before_its_colon() {
        assert_eq!(
            key("Chủ hộ: Trần Thị Bình", Written::OnPage).as_deref(),
            Some("Chủ hộ")
        );
        assert_eq!(
            key("  Họ và\n  tên * ", Written::OnPage).as_deref(),
            Some("Họ và tên")
        );
        assert_eq!(key(": Nguyễn Văn An", Written::OnPage), None);
        assert_eq!(
            key("Số điện thoại của anh An", Written::OnPage),
            None,
            "a capitalised word mid-label"
        );
        assert_eq!(
            key("Số CCCD / Mã định danh", Written::OnPage).as_deref(),
            Some("Số CCCD / Mã định danh"),
            "a new phrase after a slash"
        );
        assert_eq!(
            key(
                "Tôi cam đoan những thông tin trên đây là đúng sự thật",
                Written::OnPage
            ),
            None,
            "a sentence, not a label"
        );
    }

    #[test]
    fn folding_takes_off_case_and_diacritics_in_either_form() {
        assert_eq!(fold("Nguyễn Thị Ánh ĐÀO"), "nguyen thi anh dao");
        // The same name typed decomposed (combining marks).
        assert_eq!(fold("Nguye\u{302}\u{303}n"), "nguyen");
        assert_eq!(
            syllables_of("ho_ten_NguyenVanAn"),
            ["ho", "ten", "nguyen", "van", "an"]
        );
        assert_eq!(syllables_of("tranthibinh"), ["tran", "thi", "binh"]);
        assert_eq!(syllables_of("email"), ["email"]);
        assert!(
            !names_a_person("people.html"),
            "English is not a name: {:?}",
            syllables_of("people")
        );
    }

    #[test]
    fn digits_of_every_script_count() {
        for (c, v) in [
            ('7', 7),
            ('７', 7),
            ('٧', 7),
            ('۷', 7),
            ('७', 7),
            ('๗', 7),
            ('៧', 7),
            ('𝟕', 7),
            ('⁷', 7),
            ('₇', 7),
            ('⑦', 7),
            ('²', 2),
        ] {
            assert_eq!(digit_value(c), Some(v), "{c}");
        }
        for c in ['a', 'Đ', ' ', '-', '十'] {
            assert_eq!(digit_value(c), None, "{c}");
        }
    }

    #[test]
    fn service_codes_are_catalogue_numbers() {
        for code in ["1.001234", "2.002154", "TTHC-01", "1.000458"] {
            assert_eq!(service_code_problem(code), None, "{code}");
        }
        for code in ["001099012345", "0912345678", "an@gmail.com", "NguyenVanAn"] {
            assert!(service_code_problem(code).is_some(), "{code}");
        }
    }
}
