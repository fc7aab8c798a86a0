//! The seam between the pure core and the browser shell, enforced: nothing under `src/core`
//! may name the browser bindings, so every decision stays testable natively.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::path::Path;

const FORBIDDEN: [&str; 4] = ["web_sys", "js_sys", "wasm_bindgen", "crate::shell"];

#[test]
fn the_core_imports_nothing_from_the_browser() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core");
    let mut files = 0;
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        files += 1;
        let source = fs::read_to_string(&path).unwrap();
        for (n, line) in source.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for name in FORBIDDEN {
                assert!(
                    !code.contains(name),
                    "{}:{}: the core must not use {name}: {line}",
                    path.display(),
                    n + 1
                );
            }
        }
    }
    assert!(
        files >= 10,
        "found only {files} core modules in {}",
        dir.display()
    );
}
