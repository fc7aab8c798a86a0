//! Where the configuration comes from: the script tag's `data-*` attributes and their
//! `window.JourneyProbeConfig` twins (`data-target-seconds` ↔ `targetSeconds`).
//!
//! A portal that cannot touch the tag (a tag manager, a shared layout) sets the object before
//! the loader runs; a portal that can, writes attributes. Both may be used at once: an
//! attribute on the tag is the more specific of the two and wins, and a disagreement between
//! them is named in a warning rather than settled silently.

use crate::core::prelude::*;

use crate::core::config::{quote, twin_name, unknown_attributes, Origin, Setting, ATTRIBUTES};
use crate::core::text::concat;

/// The settings to build the configuration from (object first, tag last, so the tag wins in
/// [`crate::core::config::Config::from_settings`]) and one warning per thing the portal wrote
/// that is ignored: an unknown attribute, an unknown property, a property overridden by a
/// different attribute value.
pub fn gather(
    tag: &[(String, String)],
    object: &[(String, String)],
) -> (Vec<Setting>, Vec<String>) {
    let mut warnings = unknown_attributes(tag.iter().map(|(name, _)| name.as_str()));
    let mut settings = Vec::new();
    for (key, value) in object {
        let Some(attribute) = ATTRIBUTES.iter().find(|a| twin_name(a) == *key) else {
            warnings.push(unknown_property(key));
            continue;
        };
        if let Some((_, tag_value)) = tag.iter().rev().find(|(n, _)| n == attribute) {
            if tag_value != value {
                warnings.push(concat(&[
                    attribute,
                    "=\"",
                    &quote(tag_value),
                    "\" on the script tag is used; window.JourneyProbeConfig.",
                    key,
                    " = \"",
                    &quote(value),
                    "\" is ignored",
                ]));
            }
            continue;
        }
        settings.push(Setting {
            attribute: attribute.to_string(),
            value: value.clone(),
            origin: Origin::Object,
        });
    }
    settings.extend(tag.iter().map(|(attribute, value)| Setting {
        attribute: attribute.clone(),
        value: value.clone(),
        origin: Origin::Tag,
    }));
    (settings, warnings)
}

/// The message for a `window.JourneyProbeConfig` property the probe does not read.
fn unknown_property(key: &str) -> String {
    let shown: String = key.chars().take(40).collect();
    let accepted: Vec<String> = ATTRIBUTES.iter().map(|a| twin_name(a)).collect();
    concat(&[
        "window.JourneyProbeConfig.",
        &shown,
        " is not an option journey-probe reads (it is ignored); accepted: ",
        &crate::core::text::join(accepted, ", "),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::Config;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn every_attribute_has_a_camel_case_twin() {
        assert_eq!(twin_name("data-collector"), "collector");
        assert_eq!(twin_name("data-target-seconds"), "targetSeconds");
        assert_eq!(twin_name("data-prefill-map"), "prefillMap");
        let twins: Vec<String> = ATTRIBUTES.iter().map(|a| twin_name(a)).collect();
        let mut unique = twins.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), twins.len(), "{twins:?}");
    }

    #[test]
    fn the_object_alone_configures_the_probe() {
        let object = pairs(&[
            ("collector", "/v1/beacons"),
            ("service", "1.001234"),
            ("targetSeconds", "480"),
            ("allowParams", "buoc,tab"),
        ]);
        let (settings, warnings) = gather(&[], &object);
        assert!(warnings.is_empty(), "{warnings:?}");
        let config = Config::from_settings(&settings).unwrap();
        assert_eq!(config.collector, "/v1/beacons");
        assert_eq!(config.journey.target_seconds, 480);
        assert_eq!(config.allow_params, ["buoc", "tab"]);
    }

    #[test]
    fn the_tag_wins_and_a_disagreement_is_named() {
        let tag = pairs(&[("data-collector", "/c"), ("data-service", "1.1")]);
        let object = pairs(&[("service", "2.2"), ("collector", "/c"), ("sample", "0.5")]);
        let (settings, warnings) = gather(&tag, &object);
        assert_eq!(
            warnings,
            ["data-service=\"1.1\" on the script tag is used; window.JourneyProbeConfig.service = \
              \"2.2\" is ignored"]
        );
        let config = Config::from_settings(&settings).unwrap();
        assert_eq!(config.service.as_str(), "1.1");
        assert_eq!(
            config.sample, 0.5,
            "a setting only the object has still counts"
        );
    }

    #[test]
    fn mistakes_in_the_object_are_named_as_properties() {
        let object = pairs(&[
            ("colector", "/c"),
            ("collector", "/c"),
            ("service", "1"),
            ("targetSeconds", "five minutes"),
        ]);
        let (settings, warnings) = gather(&pairs(&[("data-servce", "1")]), &object);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].starts_with("data-servce is not an attribute"));
        assert!(
            warnings[1].starts_with("window.JourneyProbeConfig.colector is not an option")
                && warnings[1].contains("accepted: collector, service, loginUrl"),
            "{}",
            warnings[1]
        );
        let errors = Config::from_settings(&settings).unwrap_err();
        assert_eq!(
            errors[0].to_string(),
            "window.JourneyProbeConfig.targetSeconds = \"five minutes\" is not accepted: expected \
             a whole number of seconds from 1 to 86400 (e.g. 300, the 2026 target)"
        );
    }

    #[test]
    fn a_missing_setting_names_both_places() {
        let (settings, _) = gather(&[], &pairs(&[("service", "1")]));
        let errors = Config::from_settings(&settings).unwrap_err();
        assert!(
            errors[0]
                .to_string()
                .starts_with("data-collector (or window.JourneyProbeConfig.collector) is missing"),
            "{}",
            errors[0]
        );
    }
}
