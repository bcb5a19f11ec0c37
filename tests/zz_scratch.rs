#[test]
fn time_big() {
    let mut text = String::from("def first(x):\n    return x == None\n");
    let filler = "# ".to_string() + &"padding ".repeat(12) + "\n";
    while text.len() < 10_000_000 { text.push_str(&filler); }
    let t = std::time::Instant::now();
    let doc = pyguide::python::Document::parse(text.clone());
    eprintln!("parse {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let f = pyguide::detect::analyze(&doc);
    eprintln!("analyze {:?} {}", t.elapsed(), f.len());
    let t = std::time::Instant::now();
    let _d = doc.clone();
    eprintln!("clone {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let _l = pyguide::python::LineIndex::new(&text);
    eprintln!("lineindex {:?}", t.elapsed());
}
