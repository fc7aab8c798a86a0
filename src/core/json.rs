//! A minimal JSON writer: the core writes the exact bytes the shell sends, so the native tests
//! validate against the schema precisely what leaves the browser.
//!
//! It writes objects, arrays of objects, strings, integers and booleans — all a beacon and a
//! snapshot hold — and escapes strings
//! as RFC 8259 requires. Measured: serde with serde-wasm-bindgen cost 1.7 KB brotli of wasm
//! (40.5 → 38.8 KB total) for what these few functions do; serde_json costs ~2.4 KB.

use crate::core::prelude::*;

/// Writes one JSON object; nested objects through [`Object::object`].
pub struct Object<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Object<'a> {
    /// Opens an object at the end of `out`; it is closed when the value is dropped.
    pub fn open(out: &'a mut String) -> Object<'a> {
        out.push('{');
        Object { out, first: true }
    }

    fn key(&mut self, key: &str) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        string(self.out, key);
        self.out.push(':');
    }

    /// Writes `"key":"value"`.
    pub fn str(&mut self, key: &str, value: &str) -> &mut Self {
        self.key(key);
        string(self.out, value);
        self
    }

    /// Writes `"key":123`.
    pub fn uint(&mut self, key: &str, value: u64) -> &mut Self {
        self.key(key);
        self.out.push_str(&crate::core::text::number(value));
        self
    }

    /// Writes `"key":true` or `"key":false`.
    pub fn bool(&mut self, key: &str, value: bool) -> &mut Self {
        self.key(key);
        self.out.push_str(if value { "true" } else { "false" });
        self
    }

    /// Writes `"key":123` when there is a value, nothing otherwise.
    pub fn opt_uint(&mut self, key: &str, value: Option<u64>) -> &mut Self {
        if let Some(value) = value {
            self.uint(key, value);
        }
        self
    }

    /// Writes `"key":"value"` when there is a value, nothing otherwise.
    pub fn opt_str(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        if let Some(value) = value {
            self.str(key, value);
        }
        self
    }

    /// Writes `"key":{…}`, the nested object filled by `fill`.
    pub fn object(&mut self, key: &str, fill: impl FnOnce(&mut Object<'_>)) -> &mut Self {
        self.key(key);
        fill(&mut Object::open(self.out));
        self
    }
}

impl Object<'_> {
    /// Writes `"key":{…}` when there is a value, nothing otherwise.
    pub fn opt_object<T>(
        &mut self,
        key: &str,
        value: Option<T>,
        fill: impl FnOnce(&mut Object<'_>, T),
    ) -> &mut Self {
        if let Some(value) = value {
            self.object(key, |o| fill(o, value));
        }
        self
    }
}

impl Object<'_> {
    /// Writes `"key":[{…},…]`, one object per item, each filled by `fill`.
    pub fn array<T>(
        &mut self,
        key: &str,
        items: impl IntoIterator<Item = T>,
        mut fill: impl FnMut(&mut Object<'_>, T),
    ) -> &mut Self {
        self.key(key);
        self.out.push('[');
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            fill(&mut Object::open(self.out), item);
        }
        self.out.push(']');
        self
    }
}

impl Object<'_> {
    /// Writes `"key":[{…},…]` when there are items, nothing otherwise.
    pub fn opt_array<'i, T: 'i>(
        &mut self,
        key: &str,
        items: &'i [T],
        fill: impl FnMut(&mut Object<'_>, &'i T),
    ) -> &mut Self {
        if !items.is_empty() {
            self.array(key, items, fill);
        }
        self
    }

    /// Writes `"key":["a","b"]`.
    pub fn strings(&mut self, key: &str, items: &[String]) -> &mut Self {
        self.key(key);
        self.out.push('[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            string(self.out, item);
        }
        self.out.push(']');
        self
    }
}

impl Drop for Object<'_> {
    fn drop(&mut self) {
        self.out.push('}');
    }
}

/// Appends `value` as a JSON string.
pub fn string(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 0xf] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(fill: impl FnOnce(&mut Object<'_>)) -> String {
        let mut out = String::new();
        fill(&mut Object::open(&mut out));
        out
    }

    #[test]
    fn writes_nested_objects_in_order() {
        let json = write(|o| {
            o.uint("v", 1)
                .str("id", "ab")
                .bool("yes", true)
                .opt_uint("absent", None)
                .opt_str("also_absent", None)
                .object("page", |p| {
                    p.uint("n", 0).bool("no", false);
                })
                .object("empty", |_| {})
                .opt_object("none", None::<u8>, |_, _| {})
                .opt_object("some", Some(7), |o, n| {
                    o.uint("n", n);
                })
                .array("none_in", Vec::<u8>::new(), |_, _| {})
                .array("two", [1, 2], |o, n| {
                    o.uint("n", n);
                })
                .opt_array("skipped", &[] as &[u8], |_, _| {})
                .strings("keys", &["a".to_string(), "b\"".to_string()]);
        });
        assert_eq!(
            json,
            r#"{"v":1,"id":"ab","yes":true,"page":{"n":0,"no":false},"empty":{},"some":{"n":7},"none_in":[],"two":[{"n":1},{"n":2}],"keys":["a","b\""]}"#
        );
    }

    #[test]
    fn escapes_strings() {
        let mut out = String::new();
        string(&mut out, "a\"b\\c\nd\u{1}é/");
        assert_eq!(out, r#""a\"b\\c\nd\u0001é/""#);
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn round_trips_through_a_real_parser() {
        let tricky = "Nguyễn \"Văn\" \\ A\t\u{0}\u{1f}\u{7f}\u{2028}";
        let json = write(|o| {
            o.str(tricky, tricky).uint("max", u64::MAX);
        });
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed[tricky], tricky);
        assert_eq!(parsed["max"], u64::MAX);
    }
}
