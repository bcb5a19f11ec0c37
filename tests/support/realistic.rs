//! Realistic Python for the memory tests and the server bench: the test
//! fixtures, concatenated, and repeated with names made unique. Plain std
//! only, so `benches/server_vs_ruff.rs` includes this file too.

/// The test fixtures (`tests/fixtures/*.py`), concatenated in name order.
pub fn fixtures() -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    paths.sort();
    let mut all = String::new();
    for p in paths {
        all.push_str(&std::fs::read_to_string(p).unwrap());
        all.push('\n');
    }
    all
}

/// At least `bytes` of realistic Python: the fixtures repeated, each
/// copy's functions and classes renamed (`def c3_f`, `class C3_A`).
pub fn realistic(bytes: usize) -> String {
    let chunk = fixtures();
    let mut out = String::with_capacity(bytes + chunk.len());
    let mut i = 0;
    while out.len() < bytes {
        out.push_str(
            &chunk
                .replace("def ", &format!("def c{i}_"))
                .replace("class ", &format!("class C{i}_")),
        );
        i += 1;
    }
    out
}
