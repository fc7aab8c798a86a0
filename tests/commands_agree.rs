//! The portal's commands are named in three places that must agree: the core's parser
//! (`Command::NAMES`), the JS API that queues and replays them before the wasm has loaded
//! (`js/api.js`: a method per command), and the published types (`JourneyProbeCommand` and
//! the methods of `JourneyProbe` in `js/journey-probe.d.ts`). This test reads the two JS files
//! as text, so a command added on one side and not the other fails here, not on a portal.
#![cfg(not(target_arch = "wasm32"))]

use journey_probe::core::probe::Command;

const API: &str = include_str!("../js/api.js");
const TYPES: &str = include_str!("../js/journey-probe.d.ts");

/// The quoted names of a JS array constant, e.g. `const PLAIN = ['login', …];`.
fn js_list(name: &str) -> Vec<String> {
    let start = API
        .find(&format!("const {name} = ["))
        .unwrap_or_else(|| panic!("js/api.js lacks const {name}"));
    let rest = &API[start..];
    let list = &rest[rest.find('[').unwrap() + 1..rest.find(']').unwrap()];
    list.split(',')
        .map(|item| item.trim().trim_matches('\'').to_owned())
        .filter(|item| !item.is_empty())
        .collect()
}

#[test]
fn every_command_is_a_method_of_the_api_and_a_typed_command() {
    let mut methods = js_list("PLAIN");
    methods.extend(js_list("WITH_ARGUMENT"));
    // `rate` the API writes out by hand: it takes a score and reasons, not one string.
    assert!(
        API.contains("run(['rate'"),
        "js/api.js no longer writes rate by hand"
    );
    methods.push("rate".to_owned());
    let command_type = TYPES
        .lines()
        .find(|l| l.starts_with("export type JourneyProbeCommand ="))
        .expect("the d.ts declares JourneyProbeCommand");
    for name in Command::NAMES {
        assert!(
            methods.iter().any(|m| m == name),
            "command {name} has no method in js/api.js"
        );
        assert!(
            command_type.contains(&format!("['{name}'")),
            "JourneyProbeCommand lacks {name}"
        );
        assert!(
            TYPES.contains(&format!("  {name}(")),
            "the JourneyProbe interface lacks the method {name}"
        );
    }
    for method in &methods {
        assert!(
            Command::NAMES.contains(&method.as_str()),
            "js/api.js has a method {method} the core does not parse"
        );
    }
    assert_eq!(methods.len(), Command::NAMES.len(), "each command once");
}
