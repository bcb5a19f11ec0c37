//! Trees allocated by mimalloc (`python::use_mimalloc_for_trees`, as the
//! binary does first thing): parsed on one thread, edited incrementally,
//! shared, and freed on others, as the server's worker and analysis threads
//! do. Its own test binary, so the allocator is set before any tree exists.

use pyguide::python::Document;

fn source(n: usize) -> String {
    (0..n)
        .map(|i| format!("class C{i}:\n    def m(self, x=[]):\n        return [y for y in x if y is not None]\n\n"))
        .collect()
}

#[test]
fn trees_made_on_one_thread_and_freed_on_others_stay_whole() {
    pyguide::python::use_mimalloc_for_trees();
    pyguide::python::use_mimalloc_for_trees(); // a second call does nothing
    let text = source(300);
    let (tx, rx) = std::sync::mpsc::channel::<Document>();
    let freer = std::thread::spawn(move || {
        let mut freed = 0;
        for doc in rx {
            assert!(!doc.root().has_error());
            freed += 1;
        }
        freed
    });
    let mut doc = Document::parse(text.as_str());
    for round in 0..50 {
        // Grow one method's body, then shrink it back: an incremental
        // parse that shares most nodes with the tree sent away.
        let at = doc.text().find("return").unwrap();
        if round % 2 == 0 {
            doc.edit(at..at, "y = 1\n        ");
        } else {
            doc.edit(at - 14..at, "");
        }
        tx.send(doc.clone()).unwrap();
        let fresh = Document::parse(doc.text());
        assert_eq!(
            doc.root().to_sexp(),
            fresh.root().to_sexp(),
            "round {round}"
        );
    }
    drop(tx);
    assert_eq!(freer.join().unwrap(), 50);
    assert_eq!(doc.text(), text);
}
