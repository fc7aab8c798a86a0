//! The seam between the pure core and the browser shell, enforced: nothing under `src/core`
//! may name the browser bindings, so every decision stays testable natively.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::path::Path;

const FORBIDDEN: [&str; 4] = ["web_sys", "js_sys", "wasm_bindgen", "crate::shell"];

/// Every `.rs` file under `dir`, in its folders too.
fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().and_then(|e| e.to_str()) == Some("rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_core_imports_nothing_from_the_browser() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core");
    let mut paths = Vec::new();
    sources(&dir, &mut paths);
    let mut files = 0;
    let mut in_folders = 0;
    for path in paths {
        files += 1;
        in_folders += usize::from(path.parent() != Some(dir.as_path()));
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
    assert!(
        in_folders >= 10,
        "the walk must reach the core's folders (probe/, field/): {in_folders} files found in them"
    );
}
