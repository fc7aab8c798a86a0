//! The per-field counters the probe sends (`forms[].fields[]`), one row each: the one place a
//! new counter is added on the collector's side. The parser reads every counter named here
//! into rows `(beacon, field, name, value)`, the stores keep them as rows (so a new counter
//! needs no migration), and the report's friction section, the CSV, the Markdown and the
//! dashboard iterate this table.

/// How the report sums a counter up per field key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Summary {
    /// The total over the page views (a count of events).
    Total,
    /// The mean over the page views that measured it (a duration: present only when measured).
    Mean,
}

/// One counter: its beacon name, how the report sums it up, and its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counter {
    /// The property of a field in a beacon, and the counter's name in reports.
    pub name: &'static str,
    /// How the report sums it up per field key.
    pub summary: Summary,
    /// The friction table's title, Vietnamese then English.
    pub title: &'static str,
    /// The dashboard's short title (Vietnamese).
    pub short: &'static str,
    /// The unit of the figures (Vietnamese).
    pub unit: &'static str,
}

/// Every per-field counter, in the order reports show them.
pub const COUNTERS: [Counter; 7] = [
    Counter {
        name: "invalid",
        summary: Summary::Total,
        title: "Lỗi nhập nhiều nhất (most validation failures)",
        short: "Lỗi nhập nhiều nhất",
        unit: "lỗi",
    },
    Counter {
        name: "corrections",
        summary: Summary::Total,
        title: "Sửa nhiều nhất (most corrections)",
        short: "Sửa nhiều nhất",
        unit: "lần sửa",
    },
    Counter {
        name: "hesitation_ms",
        summary: Summary::Mean,
        title: "Do dự lâu nhất (longest hesitation)",
        short: "Do dự lâu nhất",
        unit: "ms",
    },
    Counter {
        name: "pastes",
        summary: Summary::Total,
        title: "Dán nhiều nhất (most pastes)",
        short: "Dán nhiều nhất",
        unit: "lần dán",
    },
    Counter {
        name: "visits",
        summary: Summary::Total,
        title: "Được chọn nhiều lần nhất (most focused)",
        short: "Được chọn nhiều lần nhất",
        unit: "lần",
    },
    Counter {
        name: "refocus",
        summary: Summary::Total,
        title: "Quay lại nhiều nhất (most returned to)",
        short: "Quay lại nhiều nhất",
        unit: "lần",
    },
    Counter {
        name: "focus_ms",
        summary: Summary::Mean,
        title: "Mất nhiều thời gian nhất (longest time in the field)",
        short: "Mất nhiều thời gian nhất",
        unit: "ms",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_in_the_schema() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../schema/beacon.schema.json")).unwrap();
        let text = schema.to_string();
        for (i, c) in COUNTERS.iter().enumerate() {
            assert!(
                COUNTERS[..i].iter().all(|o| o.name != c.name),
                "{} twice",
                c.name
            );
            assert!(
                text.contains(&format!("\"{}\"", c.name)),
                "{} is not in the schema",
                c.name
            );
        }
    }
}
