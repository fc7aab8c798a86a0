//! Every option the probe reads is documented where portal developers look: a row of the
//! README's configuration table (with its `window.JourneyProbeConfig` twin) and a property of
//! the published TypeScript options.
#![cfg(not(target_arch = "wasm32"))]

use journey_probe::core::config::{twin_name, ATTRIBUTES};

const README: &str = include_str!("../README.md");
const TYPES: &str = include_str!("../js/journey-probe.d.ts");

#[test]
fn every_option_has_a_readme_row_and_a_typed_twin() {
    let options = TYPES
        .split("export interface JourneyProbeOptions {")
        .nth(1)
        .and_then(|rest| rest.split("\n}").next())
        .expect("the d.ts declares JourneyProbeOptions");
    for attribute in ATTRIBUTES {
        let twin = twin_name(attribute);
        let row = format!("| `{attribute}` | `{twin}` |");
        assert!(README.contains(&row), "README lacks the row {row}");
        assert!(
            options.contains(&format!("  {twin}?:")) || options.contains(&format!("  {twin}:")),
            "JourneyProbeOptions lacks {twin}"
        );
    }
}
