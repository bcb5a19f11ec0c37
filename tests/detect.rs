//! Detector tables: for each rule, sources that must be reported (with the
//! exact text of each finding's range) and sources that must not. Every fix
//! met here is applied, re-parsed and re-analysed: no new syntax errors and
//! the finding is gone.

use pyguide::detect::{
    Applicability, Finding, Prefilter, RULES, analyze, apply_fix, declared_literals,
};
use pyguide::guide;
use pyguide::python::Document;

/// Analyses `src` and returns the text of every finding with `code`;
/// also round-trips every fix of those findings.
/// Every finding (of any rule) must also pass the rule's literal
/// pre-filter: a rule fires only where one of its literals occurs.
fn found(code: &str, src: &str) -> Vec<String> {
    let doc = Document::parse(src);
    let all = analyze(&doc);
    for f in &all {
        assert!(
            Prefilter::new([f.rule]).may_fire(src),
            "{} fired without any of its literals {:?} in:\n{src}",
            f.code(),
            declared_literals(f.code())
        );
    }
    let findings: Vec<Finding> = all.into_iter().filter(|f| f.code() == code).collect();
    for f in &findings {
        assert!(
            f.fix.is_none() || f.rule.fixable,
            "{code} gave a fix but does not declare `fixable`"
        );
        if let Some(fix) = &f.fix {
            let fixed = apply_fix(src, fix);
            let after = Document::parse(fixed.clone());
            assert!(
                after.syntax_errors().len() <= doc.syntax_errors().len(),
                "{code} fix introduced a syntax error:\n--- before\n{src}\n--- after\n{fixed}"
            );
            let again = analyze(&after)
                .into_iter()
                .filter(|g| g.code() == code)
                .count();
            assert!(
                again < findings.len(),
                "{code} fix did not remove the finding:\n{fixed}"
            );
        }
    }
    findings
        .iter()
        .map(|f| src[f.range.clone()].to_string())
        .collect()
}

/// One table row: `code` reports exactly `expect` (texts) in `src`.
fn check(code: &str, src: &str, expect: &[&str]) {
    assert_eq!(found(code, src), expect, "{code} on:\n{src}");
}

/// The result of applying the first `code` fix to `src`.
fn fixed(code: &str, src: &str) -> String {
    let doc = Document::parse(src);
    let f = analyze(&doc)
        .into_iter()
        .find(|f| f.code() == code)
        .expect("a finding");
    apply_fix(src, f.fix.as_ref().expect("a fix"))
}

#[test]
fn rules_have_unique_codes_and_existing_topics() {
    let guide = guide::load_builtin().guide;
    let mut codes: Vec<&str> = RULES.iter().map(|r| r.code).collect();
    codes.dedup();
    assert_eq!(codes.len(), RULES.len(), "duplicate codes");
    for r in RULES.iter() {
        assert!(r.code.starts_with("PG") && r.code.len() == 5, "{}", r.code);
        let topic = guide
            .get(r.topic)
            .unwrap_or_else(|| panic!("{}: no topic {}", r.code, r.topic));
        assert!(
            topic.triggers.iter().any(|t| t == r.construct),
            "{}: topic {} does not list trigger {}",
            r.code,
            r.topic,
            r.construct
        );
    }
}

#[test]
fn is_literal() {
    check("PG401", "if x is 1: pass\n", &["x is 1"]);
    check("PG401", "if x is not 'a': pass\n", &["x is not 'a'"]);
    check("PG401", "ok = b'' is data\n", &["b'' is data"]);
    for lit in ["-1", "1.5", "(1, 2)", "[]", "{}", "{1}", "\"a\" \"b\""] {
        check(
            "PG401",
            &format!("y = x is {lit}\n"),
            &[&format!("x is {lit}")],
        );
    }
    check("PG401", "y = a < b is 3\n", &["b is 3"]);
    for ok in [
        "x is None",
        "x is not None",
        "x is True",
        "x is ...",
        "x is y",
        "x == 1",
        "x is f()",
        "type(x) is int",
    ] {
        check("PG401", &format!("y = {ok}\n"), &[]);
    }
    assert_eq!(fixed("PG401", "if x is not 0: pass\n"), "if x != 0: pass\n");
}

#[test]
fn eq_none() {
    check("PG402", "if x == None: pass\n", &["x == None"]);
    check("PG402", "assert None != y\n", &["None != y"]);
    check("PG402", "ok = a and b == None\n", &["b == None"]);
    // SQLAlchemy / NumPy style expressions stay as written.
    check("PG402", "q = select(T).where(T.c.deleted == None)\n", &[]);
    check("PG402", "rows = df[df.x == None]\n", &[]);
    check(
        "PG402",
        "q = session.query(User).filter(and_(User.a == None, User.b == 1))\n",
        &[],
    );
    check("PG402", "if x is None or y != 0: pass\n", &[]);
    assert_eq!(
        fixed("PG402", "if x != None: pass\n"),
        "if x is not None: pass\n"
    );
}

#[test]
fn eq_bool() {
    check("PG403", "if done == True: pass\n", &["done == True"]);
    check("PG403", "if False != flag: pass\n", &["False != flag"]);
    check("PG403", "active = df[df.active == True]\n", &[]);
    check("PG403", "if done is True: pass\n", &[]);
}

#[test]
fn dict_keys_membership() {
    check("PG102", "if k in d.keys(): pass\n", &["k in d.keys()"]);
    check(
        "PG102",
        "if k not in self.cfg.keys(): pass\n",
        &["k not in self.cfg.keys()"],
    );
    check("PG102", "for k in d.keys(): pass\n", &[]);
    check("PG102", "if k in d.keys(1): pass\n", &[]);
    check("PG102", "if k in d: pass\n", &[]);
    assert_eq!(
        fixed("PG102", "if k not in self.cfg.keys(): pass\n"),
        "if k not in self.cfg: pass\n"
    );
}

#[test]
fn mutable_default_argument() {
    check("PG101", "def f(a, b=[]):\n    return b\n", &["b=[]"]);
    check(
        "PG101",
        "def f(*, opts: dict = {}):\n    return opts\n",
        &["opts: dict = {}"],
    );
    check(
        "PG101",
        "def f(s=set(), l=list(), d=dict()):\n    pass\n",
        &["s=set()", "l=list()", "d=dict()"],
    );
    check(
        "PG101",
        "import collections\ndef f(c=collections.defaultdict(int)):\n    pass\n",
        &["c=collections.defaultdict(int)"],
    );
    check("PG101", "g = lambda acc=[]: acc\n", &["acc=[]"]);
    check(
        "PG101",
        "def f(a=(), b=None, c=0, d='', e=frozenset()):\n    pass\n",
        &[],
    );
    check("PG101", "def set(): pass\ndef f(s=set()):\n    pass\n", &[]);
    assert_eq!(
        fixed(
            "PG101",
            "def add(x, acc=[]):\n    \"\"\"Doc.\"\"\"\n    acc.append(x)\n    return acc\n"
        ),
        "def add(x, acc=None):\n    \"\"\"Doc.\"\"\"\n    if acc is None:\n        acc = []\n    acc.append(x)\n    return acc\n"
    );
    assert_eq!(
        fixed(
            "PG101",
            "class A:\n    def m(self, opts: dict = {}):\n        return opts\n"
        ),
        "class A:\n    def m(self, opts: dict | None = None):\n        if opts is None:\n            opts = {}\n        return opts\n"
    );
    assert_eq!(
        fixed("PG101", "def only_doc(x=[]):\n    \"\"\"Doc.\"\"\"\n"),
        "def only_doc(x=None):\n    \"\"\"Doc.\"\"\"\n    if x is None:\n        x = []\n"
    );
    // One-line bodies get the finding but no fix.
    let doc = Document::parse("def f(x=[]): return x\n");
    assert!(
        analyze(&doc)
            .iter()
            .any(|f| f.code() == "PG101" && f.fix.is_none())
    );
}

#[test]
fn list_comprehension_in_call() {
    check(
        "PG103",
        "t = sum([x * x for x in xs])\n",
        &["[x * x for x in xs]"],
    );
    check(
        "PG103",
        "ok = any([p(x) for x in xs])\n",
        &["[p(x) for x in xs]"],
    );
    check(
        "PG103",
        "m = max([len(w) for w in ws], default=0)\n",
        &["[len(w) for w in ws]"],
    );
    check(
        "PG103",
        "s = sorted([x for x in xs])\nj = ''.join([c for c in s])\n",
        &[],
    );
    check("PG103", "m = max([x for x in xs], other)\n", &[]);
    check("PG103", "def sum(x): pass\nt = sum([x for x in xs])\n", &[]);
    assert_eq!(
        fixed("PG103", "t = sum([x for x in xs])\n"),
        "t = sum(x for x in xs)\n"
    );
    assert_eq!(
        fixed("PG103", "m = max([x for x in xs], default=0)\n"),
        "m = max((x for x in xs), default=0)\n"
    );
}

#[test]
fn decorators() {
    check(
        "PG104",
        "@property\ndef f(self): pass\n@app.route('/')\ndef g(): pass\n",
        &["@property", "@app.route('/')"],
    );
    check("PG104", "def f(): pass\n", &[]);
}

#[test]
fn decorator_without_wraps() {
    let plain = "def log(func):\n    def wrapper(*a, **kw):\n        return func(*a, **kw)\n    return wrapper\n";
    check("PG105", plain, &["wrapper"]);
    assert_eq!(
        fixed("PG105", plain),
        "import functools\ndef log(func):\n    @functools.wraps(func)\n    def wrapper(*a, **kw):\n        return func(*a, **kw)\n    return wrapper\n"
    );
    let imported = "from functools import wraps\n\ndef retry(n):\n    def deco(fn):\n        @other\n        def inner(*a):\n            return fn(*a)\n        return inner\n    return deco\n";
    check("PG105", imported, &["inner"]);
    assert!(
        fixed("PG105", imported).contains("        @wraps(fn)\n        @other\n        def inner")
    );
    check(
        "PG105",
        "import functools\ndef log(func):\n    @functools.wraps(func)\n    def wrapper(*a):\n        return func(*a)\n    return wrapper\n",
        &[],
    );
    check(
        "PG105",
        "from functools import wraps as w\ndef log(func):\n    @w(func)\n    def wrapper(*a):\n        return func(*a)\n    return wrapper\n",
        &[],
    );
    // Not a decorator: the inner function is not returned, or does not call the parameter.
    check(
        "PG105",
        "def f(func):\n    def helper():\n        return func()\n    return helper()\n",
        &[],
    );
    check(
        "PG105",
        "def make(n):\n    def add(x):\n        return x + n\n    return add\n",
        &[],
    );
    // A classmethod building a view from `cls`; metadata copied by hand
    // (both from Django's `View.as_view`).
    check(
        "PG105",
        "class V:\n    @classmethod\n    def as_view(cls, **kw):\n        def view(request):\n            return cls(**kw).dispatch(request)\n        return view\n",
        &[],
    );
    check(
        "PG105",
        "def deco(f):\n    def inner(*a):\n        return f(*a)\n    inner.__doc__ = f.__doc__\n    return inner\n",
        &[],
    );
    check(
        "PG105",
        "import functools\ndef deco(f):\n    def inner(*a):\n        return f(*a)\n    functools.update_wrapper(inner, f)\n    return inner\n",
        &[],
    );
}

#[test]
fn generators() {
    check("PG106", "def gen():\n    yield 1\n", &["gen"]);
    check("PG106", "async def agen():\n    yield 1\n", &[]);
    check("PG224", "async def agen():\n    yield 1\n", &["agen"]);
    check(
        "PG106",
        "def outer():\n    def inner():\n        yield 1\n    return inner\n",
        &["inner"],
    );
    check("PG106", "def f():\n    return [x for x in y]\n", &[]);
    check(
        "PG107",
        "def g():\n    yield from range(3)\n",
        &["yield from range(3)"],
    );
    check("PG107", "def g():\n    yield 3\n", &[]);
}

#[test]
fn asyncio_apis_in_any_import_spelling() {
    check(
        "PG201",
        "import asyncio\nasync def m():\n    await asyncio.gather(a(), b())\n",
        &["asyncio.gather(a(), b())"],
    );
    check(
        "PG201",
        "import asyncio as aio\nasync def m():\n    await aio.gather(a())\n",
        &["aio.gather(a())"],
    );
    check(
        "PG201",
        "from asyncio import gather\nasync def m():\n    await gather(a())\n",
        &["gather(a())"],
    );
    check(
        "PG201",
        "from asyncio import gather as g\nasync def m():\n    await g(a())\n",
        &["g(a())"],
    );
    check(
        "PG201",
        "async def gather(*a): pass\nasync def m():\n    await gather(a())\n    gather_results = 1\n",
        &[],
    );
    check("PG201", "from asyncio import gather\n", &[]);
    check(
        "PG202",
        "import asyncio\nasyncio.run(main())\n",
        &["asyncio.run(main())"],
    );
    check(
        "PG204",
        "import asyncio\nasync def m():\n    async with asyncio.TaskGroup() as tg:\n        tg.create_task(a())\n",
        &["asyncio.TaskGroup()"],
    );
    check(
        "PG306",
        "import sys\nprint(sys._is_gil_enabled())\n",
        &["sys._is_gil_enabled()"],
    );
    check(
        "PG302",
        "import concurrent.futures as cf\nex = cf.ThreadPoolExecutor(4)\n",
        &["cf.ThreadPoolExecutor(4)"],
    );
    check(
        "PG305",
        "from concurrent.futures import ProcessPoolExecutor\nwith ProcessPoolExecutor() as ex: pass\n",
        &["ProcessPoolExecutor()"],
    );
    check(
        "PG303",
        "import multiprocessing as mp\np = mp.Pool(2)\n",
        &["mp.Pool(2)"],
    );
    check(
        "PG301",
        "from threading import Thread\nt = Thread(target=f)\n",
        &["Thread(target=f)"],
    );
}

#[test]
fn create_task_discarded() {
    check(
        "PG203",
        "import asyncio\nasync def m():\n    asyncio.create_task(job())\n",
        &["asyncio.create_task(job())"],
    );
    check(
        "PG203",
        "from asyncio import ensure_future\nasync def m():\n    ensure_future(job())\n",
        &["ensure_future(job())"],
    );
    check(
        "PG203",
        "import asyncio\nasync def m():\n    t = asyncio.create_task(job())\n    await t\n",
        &[],
    );
    check(
        "PG203",
        "async def m(tg):\n    tg.create_task(job())\n",
        &[],
    );
}

#[test]
fn await_in_loop() {
    check(
        "PG205",
        "async def m(urls):\n    for u in urls:\n        r = await fetch(u)\n        await save(r)\n",
        &["await fetch(u)"],
    );
    check(
        "PG205",
        "async def m(xs):\n    async for x in xs:\n        await handle(x)\n",
        &["await handle(x)"],
    );
    check(
        "PG205",
        "import asyncio\nasync def m(xs):\n    for x in xs:\n        await asyncio.sleep(1)\n",
        &[],
    );
    check(
        "PG205",
        "async def m(xs):\n    for x in xs:\n        async def inner():\n            await x\n",
        &[],
    );
    check("PG205", "def m(xs):\n    for x in xs:\n        pass\n", &[]);
}

#[test]
fn blocking_calls_in_async_def() {
    let sleepy = "import time\n\nasync def m():\n    time.sleep(1)\n";
    check("PG206", sleepy, &["time.sleep(1)"]);
    assert_eq!(
        fixed("PG206", sleepy),
        "import asyncio\nimport time\n\nasync def m():\n    await asyncio.sleep(1)\n"
    );
    let aliased =
        "import asyncio as aio\nfrom time import sleep\nasync def m():\n    x = sleep(0.5)\n";
    check("PG206", aliased, &["sleep(0.5)"]);
    assert_eq!(
        fixed("PG206", aliased),
        "import asyncio as aio\nfrom time import sleep\nasync def m():\n    x = await aio.sleep(0.5)\n"
    );
    check("PG206", "import time\ndef m():\n    time.sleep(1)\n", &[]);
    check(
        "PG206",
        "import time\nasync def m():\n    def sync():\n        time.sleep(1)\n    await asyncio.to_thread(time.sleep, 1)\n",
        &[],
    );
    check(
        "PG207",
        "import requests\nasync def m():\n    return requests.get(url)\n",
        &["requests.get(url)"],
    );
    check(
        "PG207",
        "from urllib.request import urlopen\nasync def m():\n    urlopen(u)\n",
        &["urlopen(u)"],
    );
    check(
        "PG207",
        "async def m(session):\n    await session.get(url)\n",
        &[],
    );
    check(
        "PG208",
        "import subprocess\nasync def m():\n    subprocess.run(['ls'])\n",
        &["subprocess.run(['ls'])"],
    );
    check(
        "PG209",
        "async def m():\n    with open('f') as fh:\n        pass\n",
        &["open('f')"],
    );
    check(
        "PG209",
        "import aiofiles\nasync def m():\n    async with aiofiles.open('f') as fh:\n        pass\n",
        &[],
    );
}

#[test]
fn classes() {
    check("PG501", "class C(A, B, metaclass=M): pass\n", &["C"]);
    check("PG501", "class C(A, object): pass\nclass D(A): pass\n", &[]);
    check(
        "PG502",
        "class C(B):\n    def __init__(self):\n        super().__init__()\n",
        &["super()"],
    );
    check(
        "PG503",
        "class C:\n    def __repr__(self): return ''\n    def __len__(self): return 0\n",
        &["__repr__", "__len__"],
    );
    check(
        "PG503",
        "def __init__(): pass\nclass C:\n    def _private(self): pass\n",
        &[],
    );
    check(
        "PG504",
        "class C:\n    def __call__(self, x): return x\n",
        &["__call__"],
    );
    check(
        "PG505",
        "class P:\n    def __eq__(self, o): return True\n",
        &["__eq__"],
    );
    check(
        "PG505",
        "class P:\n    def __eq__(self, o): return True\n    def __hash__(self): return 1\n",
        &[],
    );
    check(
        "PG505",
        "class P:\n    __hash__ = None\n    def __eq__(self, o): return True\n",
        &[],
    );
    check(
        "PG505",
        "@dataclass\nclass P:\n    def __eq__(self, o): return True\n",
        &[],
    );
}

#[test]
fn tooling_and_typing_apis() {
    check(
        "PG801",
        "from dataclasses import dataclass\n@dataclass\nclass P:\n    x: int\n",
        &["dataclass"],
    );
    check(
        "PG802",
        "from pydantic import BaseModel\nclass U(BaseModel):\n    id: int\n",
        &["BaseModel"],
    );
    check(
        "PG803",
        "import cProfile\ncProfile.run('main()')\n",
        &["cProfile.run('main()')"],
    );
    check("PG806", "import gc\ngc.collect()\n", &["gc.collect()"]);
    check(
        "PG808",
        "from typing import Protocol\nclass Greeter(Protocol):\n    def hi(self) -> str: ...\n",
        &["Protocol"],
    );
    check(
        "PG809",
        "from typing import TypeIs\ndef is_str(x: object) -> TypeIs[str]: ...\n",
        &["TypeIs"],
    );
}

#[test]
fn suppression_comments() {
    check("PG401", "if x is 1:  # pyguide: ignore\n    pass\n", &[]);
    check(
        "PG401",
        "if x is 1:  # pyguide: ignore[PG401]\n    pass\n",
        &[],
    );
    check(
        "PG401",
        "if x is 1:  # pyguide: ignore[PG4]\n    pass\n",
        &[],
    );
    check(
        "PG401",
        "if x is 1:  # pyguide: ignore[PG402]\n    pass\n",
        &["x is 1"],
    );
    check(
        "PG401",
        "if x is 1:  # some comment\n    pass\n",
        &["x is 1"],
    );
}

#[test]
fn broken_files_still_report_their_well_formed_parts() {
    let src = "def broken(:\n    pass\n\nif x is 1:\n    pass\n\nclass Ok:\n    def __eq__(self, o): return True\n";
    let doc = Document::parse(src);
    assert!(!doc.syntax_errors().is_empty());
    let codes: Vec<&str> = analyze(&doc).iter().map(|f| f.code()).collect();
    assert!(
        codes.contains(&"PG401") && codes.contains(&"PG505"),
        "{codes:?}"
    );
}

/// The rule table in `src/detect/README.md` is generated from the registry;
/// `UPDATE_RULES_README=1 cargo test --test detect` rewrites it.
#[test]
fn rules_readme_lists_every_rule() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/detect/README.md");
    let mut table = String::from(
        "| code | construct | severity | fix | topic | what it reports |\n|---|---|---|---|---|---|\n",
    );
    for r in RULES.iter() {
        let severity = format!("{:?}", r.severity).to_lowercase();
        let fix = if r.fixable { "yes" } else { "" };
        table.push_str(&format!(
            "| {} | `{}` | {} | {} | `{}` | {} |\n",
            r.code,
            r.construct,
            severity,
            fix,
            r.topic,
            r.summary.replace('|', "\\|")
        ));
    }
    let current = std::fs::read_to_string(path).unwrap_or_default();
    let (head, tail) = match (
        current.find("<!-- rules:start -->"),
        current.find("<!-- rules:end -->"),
    ) {
        (Some(a), Some(b)) => (current[..a].to_string(), current[b..].to_string()),
        _ => panic!("{path} lacks the <!-- rules:start/end --> markers"),
    };
    let wanted = format!("{head}<!-- rules:start -->\n{table}{tail}");
    if std::env::var_os("UPDATE_RULES_README").is_some() {
        std::fs::write(path, &wanted).unwrap();
    } else {
        assert_eq!(
            current, wanted,
            "src/detect/README.md is out of date: run UPDATE_RULES_README=1 cargo test --test detect"
        );
    }
}

// ---- Django ORM (PG6xx) ----

const MODELS: &str = r#"from django.db import models

class Author(models.Model):
    name = models.CharField(max_length=100)

class Tag(models.Model):
    label = models.CharField(max_length=30)

class Post(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    tags = models.ManyToManyField(Tag, related_name="posts")
    created_at = models.DateTimeField()

class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE)
    body = models.TextField()
"#;

/// `check` with the blog models prepended.
fn check_orm(code: &str, body: &str, expect: &[&str]) {
    check(code, &format!("{MODELS}\n{body}"), expect);
}

fn fixed_orm(code: &str, body: &str) -> String {
    let src = format!("{MODELS}\n{body}");
    fixed(code, &src)[MODELS.len() + 1..].to_string()
}

#[test]
fn n_plus_one_loops() {
    let code = "PG601";
    // Forward FK, M2M and reverse FK (default `<model>_set` accessor).
    check_orm(
        code,
        "for post in Post.objects.filter(published=True):\n    print(post.author.name)\n",
        &["post.author"],
    );
    check_orm(
        code,
        "for post in Post.objects.all():\n    for tag in post.tags.all():\n        print(tag)\n",
        &["post.tags"],
    );
    check_orm(
        code,
        "for post in Post.objects.all():\n    n = len(post.comment_set.all())\n",
        &["post.comment_set"],
    );
    check_orm(
        code,
        "for tag in Tag.objects.all():\n    titles = [p.id for p in tag.posts.all()]\n",
        &["tag.posts"],
    );
    // A variable assigned a queryset earlier in the function; comprehensions.
    check_orm(
        code,
        "def view():\n    qs = Post.objects.filter(x=1)\n    qs = qs.order_by('-id')\n    for p in qs:\n        p.author.name\n",
        &["p.author"],
    );
    check_orm(
        code,
        "names = [p.author.name for p in Post.objects.all()]\n",
        &["p.author"],
    );
    // Once per relation and loop.
    check_orm(
        code,
        "for p in Post.objects.all():\n    a = p.author.name\n    b = p.author.id\n",
        &["p.author"],
    );
    // Negatives: already selected/prefetched, plain fields, the FK id,
    // filters a prefetch wouldn't serve, plain lists, unknown models,
    // values(), unknown methods, non-literal arguments, assignments.
    for body in [
        "for p in Post.objects.select_related('author'):\n    p.author.name\n",
        "for p in Post.objects.select_related('author__profile'):\n    p.author.name\n",
        "for p in Post.objects.select_related():\n    p.author.name\n",
        "for p in Post.objects.prefetch_related('tags'):\n    list(p.tags.all())\n",
        "from django.db.models import Prefetch\nfor p in Post.objects.prefetch_related(Prefetch('tags')):\n    list(p.tags.all())\n",
        "for p in Post.objects.all():\n    p.created_at.year\n",
        "for p in Post.objects.all():\n    p.author_id\n",
        "for p in Post.objects.all():\n    p.tags.filter(label='x')\n",
        "for p in posts:\n    p.author.name\n",
        "for p in [Post(), Post()]:\n    p.author.name\n",
        "for p in Article.objects.all():\n    p.author.name\n",
        "for p in Post.objects.values('author'):\n    p.author\n",
        "for p in Post.objects.published():\n    p.author.name\n",
        "for p in Post.objects.select_related(*fields):\n    p.author.name\n",
        "for p in Post.objects.all():\n    p.author = None\n",
        "def f(qs):\n    for p in qs:\n        p.author.name\n",
        "for p in Post.objects.all():\n    def later():\n        return p.author\n",
    ] {
        check_orm(code, body, &[]);
    }
}

#[test]
fn n_plus_one_fixes() {
    let code = "PG601";
    let table = [
        (
            "for p in Post.objects.filter(x=1):\n    p.author.name\n",
            "for p in Post.objects.filter(x=1).select_related(\"author\"):\n    p.author.name\n",
        ),
        (
            "for p in Post.objects.select_related('editor'):\n    p.author.name\n",
            "for p in Post.objects.select_related('editor', \"author\"):\n    p.author.name\n",
        ),
        (
            "for p in Post.objects.select_related('editor',):\n    p.author.name\n",
            "for p in Post.objects.select_related('editor', \"author\"):\n    p.author.name\n",
        ),
        (
            "for p in Post.objects.all():\n    list(p.tags.all())\n",
            "for p in Post.objects.all().prefetch_related(\"tags\"):\n    list(p.tags.all())\n",
        ),
        (
            "for p in Post.objects.all()[:10]:\n    p.author\n",
            "for p in Post.objects.all().select_related(\"author\")[:10]:\n    p.author\n",
        ),
        (
            "for p in Post.objects.filter(a=1).iterator(chunk_size=100):\n    p.author\n",
            "for p in Post.objects.filter(a=1).select_related(\"author\").iterator(chunk_size=100):\n    p.author\n",
        ),
        (
            "def v():\n    qs = Post.objects.all()\n    for p in qs:\n        p.author\n",
            "def v():\n    qs = Post.objects.all().select_related(\"author\")\n    for p in qs:\n        p.author\n",
        ),
    ];
    for (before, after) in table {
        assert_eq!(fixed_orm(code, before), after, "{before}");
    }
}

#[test]
fn n_plus_one_with_models_from_other_files() {
    use pyguide::detect::{ModelIndex, analyze_with};
    let mut index = ModelIndex::default();
    index.update_file("blog/models.py", &Document::parse(MODELS));
    let view = Document::parse(
        "from blog.models import Post\nfor p in Post.objects.all():\n    p.author.name\n",
    );
    let codes = |index: &ModelIndex| -> Vec<&str> {
        analyze_with(&view, index)
            .iter()
            .map(|f| f.code())
            .filter(|c| *c == "PG601")
            .collect()
    };
    assert_eq!(codes(&index), ["PG601"]);
    assert!(codes(&ModelIndex::default()).is_empty(), "unknown model");
    index.remove_file("blog/models.py");
    assert!(codes(&index).is_empty());
}

/// Models of a small box office, for the N+1 shapes met in real projects:
/// custom managers and querysets, an abstract model whose methods loop over
/// a reverse relation of its concrete subclass, a generic foreign key.
const BOX_OFFICE: &str = r#"from django.db import models
from django.contrib.contenttypes.fields import GenericForeignKey

class Venue(models.Model):
    name = models.CharField(max_length=50)

class ShowManager(models.Manager):
    def upcoming(self):
        return self.get_queryset().filter(upcoming=True)

class Show(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="shows")
    listed = ShowManager()

class TicketQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(valid=True)

class RichTickets(models.Manager):
    def rich(self):
        return self.select_related("show")

class Ticket(models.Model):
    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="tickets")
    holder = models.ForeignKey("Person", null=True, on_delete=models.SET_NULL)
    seat = models.ForeignKey("Seat", to_field="code", on_delete=models.CASCADE)
    objects = TicketQuerySet.as_manager()
    fancy = RichTickets()

class Person(models.Model):
    name = models.CharField(max_length=50)

class Seat(models.Model):
    code = models.CharField(max_length=5, unique=True)

class Note(models.Model):
    target = GenericForeignKey("ct", "oid")

class Option(models.Model):
    label = models.CharField(max_length=20)

class AbstractLine(models.Model):
    class Meta:
        abstract = True

    def describe(self):
        return [extra.option.label for extra in self.extras.all()]

class Line(AbstractLine):
    pass

class Extra(models.Model):
    line = models.ForeignKey("shop.Line", on_delete=models.CASCADE, related_name="extras")
    option = models.ForeignKey(Option, on_delete=models.CASCADE)
"#;

fn check_shop(body: &str, expect: &[&str]) {
    check("PG601", &format!("{BOX_OFFICE}\n{body}"), expect);
}

/// `body` with the fix of its first PG601 finding applied.
fn fixed_shop(body: &str) -> String {
    let src = format!("{BOX_OFFICE}\n{body}");
    let doc = Document::parse(src.as_str());
    let f = analyze(&doc)
        .into_iter()
        .find(|f| f.code() == "PG601" && f.range.start > BOX_OFFICE.len())
        .expect("a finding in the body");
    apply_fix(&src, f.fix.as_ref().expect("a fix"))[BOX_OFFICE.len() + 1..].to_string()
}

#[test]
fn n_plus_one_real_shapes() {
    // The abstract model's own loop, over a reverse relation of `Line`.
    check_shop("", &["extra.option"]);
    for (body, expect) in [
        // `list(qs)` held in a variable.
        (
            "def f():\n    shows = list(Show.objects.all())\n    for s in shows:\n        s.venue.name\n",
            "s.venue",
        ),
        // A queryset method and a manager the project declares.
        (
            "for t in Ticket.objects.valid():\n    t.holder.name\n",
            "t.holder",
        ),
        (
            "for s in Show.listed.upcoming():\n    s.venue.name\n",
            "s.venue",
        ),
        // Two steps through a joined relation.
        (
            "for t in Ticket.objects.select_related('show'):\n    t.show.venue.name\n",
            "t.show.venue",
        ),
        // Any number of conditional refinements.
        (
            "def f(n):\n    qs = Ticket.objects.filter(a=1)\n    if n:\n        qs = qs.filter(b=2)\n    if n > 1:\n        qs = qs.exclude(c=3)\n    if n > 2:\n        qs = qs.order_by('x')\n    for t in qs:\n        t.holder.name\n",
            "t.holder",
        ),
        // Related managers: of an annotated parameter, of a parameter
        // whose relation name only one model declares, of an outer row.
        (
            "def f(show: Show):\n    for t in show.tickets.all():\n        t.holder.name\n",
            "t.holder",
        ),
        (
            "def copy(line):\n    for extra in line.extras.all():\n        print(extra.option.label)\n",
            "extra.option",
        ),
        (
            "for v in Venue.objects.all():\n    for s in v.shows.filter(on=True):\n        s.tickets.all()\n",
            "s.tickets",
        ),
        // The outer rows prefetch the relation, not what this loop reads.
        (
            "for s in Show.objects.prefetch_related('tickets'):\n    for t in s.tickets.all():\n        t.holder.name\n",
            "t.holder",
        ),
        // `.filter()` on the relation runs a query of its own: what the
        // outer rows prefetched is not read.
        (
            "for s in Show.objects.prefetch_related('tickets__holder'):\n    for t in s.tickets.filter(valid=True):\n        t.holder.name\n",
            "t.holder",
        ),
        // `x` may be a `Person` or a `Seat` (both have `ticket_set`): the
        // holder is not known to be `x`.
        (
            "def f(x):\n    for t in x.ticket_set.all():\n        t.holder.name\n",
            "t.holder",
        ),
        // A generic foreign key; `.first()` through a relation per row.
        ("for n in Note.objects.all():\n    n.target\n", "n.target"),
        (
            "for s in Show.objects.all():\n    s.tickets.first()\n",
            "s.tickets.first()",
        ),
        // The key is on the row: `_id` needs no query.
        (
            "def f(me):\n    for t in Ticket.objects.all():\n        if t.holder == me:\n            pass\n",
            "t.holder == me",
        ),
        (
            "ids = [t.holder.pk for t in Ticket.objects.all()]\n",
            "t.holder.pk",
        ),
        // Read before the variable is rebound (not after).
        (
            "for t in Ticket.objects.all():\n    print(t.holder.name)\n    t = Ticket.objects.get(pk=t.pk)\n    t.show.venue\n",
            "t.holder",
        ),
        // A `to_field` key: `seat_id` holds the code, so the seat is read.
        ("for t in Ticket.objects.all():\n    t.seat.pk\n", "t.seat"),
        // A private helper over a parameter's relation: one of its two
        // callers passes rows that don't prefetch the path.
        (
            "class Export:\n    def _row(self, show):\n        for t in show.tickets.all():\n            t.holder.name\n\n    def render(self):\n        for s in Show.objects.prefetch_related('tickets__holder'):\n            self._row(s)\n\n    def other(self):\n        for s in Show.objects.all():\n            self._row(s)\n",
            "t.holder",
        ),
        // A public helper: its callers may be in other modules.
        (
            "class Export:\n    def row(self, show):\n        for t in show.tickets.all():\n            t.holder.name\n\n    def render(self):\n        for s in Show.objects.prefetch_related('tickets__holder'):\n            self.row(s)\n",
            "t.holder",
        ),
        // No caller in the module.
        (
            "def _row(show):\n    for t in show.tickets.all():\n        t.holder.name\n",
            "t.holder",
        ),
        // The caller prefetches another path; the helper passed on as a
        // value (called from anywhere); `filter()` runs its own query.
        (
            "def _row(show):\n    for t in show.tickets.all():\n        t.holder.name\n\nfor s in Show.objects.prefetch_related('tickets__seat'):\n    _row(s)\n",
            "t.holder",
        ),
        (
            "class Export:\n    def _row(self, show):\n        for t in show.tickets.all():\n            t.holder.name\n\n    def render(self):\n        for s in Show.objects.prefetch_related('tickets__holder'):\n            self._row(s)\n        return map(self._row, Show.objects.all())\n",
            "t.holder",
        ),
        (
            "def _row(show):\n    for t in show.tickets.filter(valid=True):\n        t.holder.name\n\nfor s in Show.objects.prefetch_related('tickets__holder'):\n    _row(s)\n",
            "t.holder",
        ),
    ] {
        check_shop(body, &["extra.option", expect]);
    }
    for body in [
        // Writes through the relation: a query per row no prefetch batches.
        "for s in Show.objects.all():\n    s.tickets.all().update(valid=False)\n",
        "for s in Show.objects.all():\n    s.tickets.all().delete()\n",
        // Read once per group of rows with the same key.
        "last = None\nfor t in Ticket.objects.order_by('show_id'):\n    if t.show_id != last:\n        v = t.show.venue_id\n        last = t.show_id\n",
        // The loop variable is rebound: its rows are not the queryset's.
        "for t in Ticket.objects.all():\n    t = Ticket.objects.get(pk=t.pk)\n    t.holder.name\n",
        // A manager method that loads relations itself.
        "for t in Ticket.fancy.rich():\n    t.show.venue_id\n",
        // Defined differently on two paths.
        "def f(n):\n    if n:\n        qs = Ticket.objects.all()\n    else:\n        qs = Ticket.objects.select_related('holder')\n    for t in qs:\n        t.holder.name\n",
        // Loops over other things that have relation-like names.
        "def f(form):\n    for x in form.fields.all():\n        x.venue\n",
        "for s in Show.objects.values('venue'):\n    s.venue\n",
        // Assigning through the relation (to spare the query) is no read
        // of the second step.
        "for t in Ticket.objects.select_related('show'):\n    t.show.venue = None\n",
        // Covered two steps deep.
        "for t in Ticket.objects.select_related('show__venue'):\n    t.show.venue.name\n",
        // The related manager gives each row its owner: `s.venue` is `v`.
        "for v in Venue.objects.all():\n    for s in v.shows.filter(on=True):\n        s.venue.name\n",
        "def f(venue: Venue):\n    for s in venue.shows.all():\n        s.venue.name\n",
        // What the outer rows load under the relation comes with its rows:
        // a path, or a `Prefetch` whose queryset selects it.
        "for v in Venue.objects.prefetch_related('shows__tickets'):\n    for s in v.shows.all():\n        s.tickets.all()\n",
        "from django.db.models import Prefetch\nfor s in Show.objects.prefetch_related(Prefetch('tickets', queryset=Ticket.objects.select_related('holder'))):\n    for t in s.tickets.all():\n        t.holder.name\n",
        "def f():\n    shows = Show.objects.prefetch_related('tickets__holder')\n    for s in shows:\n        rows = list(s.tickets.all())\n        for t in rows:\n            t.holder.name\n",
        // The only caller of a private helper (its callers live in this
        // module) passes rows that prefetch the path: through
        // `qs = qs.filter(...)` refinements and a comprehension, as a
        // loop's variable by keyword, to a static method.
        "class Export:\n    def _row(self, show: Show):\n        return [t.holder.name for t in show.tickets.all()]\n\n    def render(self, n):\n        qs = Show.objects.select_related('venue').prefetch_related('tickets', 'tickets__holder')\n        if n:\n            qs = qs.filter(a=n)\n        if n > 1:\n            qs = qs.filter(b=n)\n        return {'rows': [self._row(s) for s in qs]}\n",
        "def _row(show):\n    for t in show.tickets.all():\n        t.holder.name\n\ndef render():\n    for s in Show.objects.prefetch_related('tickets__holder'):\n        _row(show=s)\n",
        "class Export:\n    @staticmethod\n    def _row(show):\n        for t in show.tickets.all():\n            t.holder.name\n\n    def render(self):\n        for s in Show.objects.prefetch_related('tickets__holder'):\n            self._row(s)\n",
    ] {
        check_shop(body, &["extra.option"]);
    }
}

#[test]
fn n_plus_one_fixes_on_real_shapes() {
    let table = [
        // A prefetch before `.iterator()` needs a chunk size to run.
        (
            "for n in Note.objects.order_by('id').iterator():\n    n.target\n",
            "for n in Note.objects.order_by('id').prefetch_related(\"target\").iterator(chunk_size=2000):\n    n.target\n",
        ),
        (
            "def f():\n    shows = list(Show.objects.all())\n    for s in shows:\n        s.venue.name\n",
            "def f():\n    shows = list(Show.objects.all().select_related(\"venue\"))\n    for s in shows:\n        s.venue.name\n",
        ),
        (
            "for t in Ticket.objects.select_related('show'):\n    t.show.venue.name\n",
            "for t in Ticket.objects.select_related('show', \"show__venue\"):\n    t.show.venue.name\n",
        ),
        (
            "def f(me):\n    for t in Ticket.objects.all():\n        if t.holder == me:\n            pass\n",
            "def f(me):\n    for t in Ticket.objects.all():\n        if t.holder_id == me.pk:\n            pass\n",
        ),
        (
            "ids = [t.holder.pk for t in Ticket.objects.all()]\n",
            "ids = [t.holder_id for t in Ticket.objects.all()]\n",
        ),
    ];
    for (before, after) in table {
        assert_eq!(fixed_shop(before), after, "{before}");
    }
    // No fix: deferred columns, `.first()` per row.
    for body in [
        // Refined by `qs = qs...` (here in a branch): where the relation
        // belongs is the author's call.
        "def f(n):\n    qs = Ticket.objects.filter(a=1)\n    if n:\n        qs = qs.filter(b=2).select_related('show')\n    for t in qs:\n        t.holder.name\n",
        "for t in Ticket.objects.only('holder'):\n    t.holder.name\n",
        "for s in Show.objects.all():\n    s.tickets.first()\n",
    ] {
        let src = format!("{BOX_OFFICE}\n{body}");
        let doc = Document::parse(src.as_str());
        let fixes: Vec<bool> = analyze(&doc)
            .into_iter()
            .filter(|f| f.code() == "PG601" && f.range.start > BOX_OFFICE.len())
            .map(|f| f.fix.is_some())
            .collect();
        assert_eq!(fixes, [false], "{body}");
    }
}

#[test]
fn n_plus_one_names_every_model_the_rows_may_be() {
    // `x` is a `Page` or a `Folder`; both declare `restrictions`, whose rows
    // are of two unrelated models. (One model and its abstract base are
    // named by one name, as the other rows show.)
    let src = "from django.db import models\n\nclass Group(models.Model):\n    pass\n\nclass Page(models.Model):\n    pass\n\nclass Folder(models.Model):\n    pass\n\nclass PageRestriction(models.Model):\n    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name='restrictions')\n    group = models.ForeignKey(Group, on_delete=models.CASCADE)\n\nclass FolderRestriction(models.Model):\n    folder = models.ForeignKey(Folder, on_delete=models.CASCADE, related_name='restrictions')\n    group = models.ForeignKey(Group, on_delete=models.CASCADE)\n\ndef copy(x):\n    for r in x.restrictions.all():\n        print(r.group.name)\n";
    let doc = Document::parse(src);
    let messages: Vec<String> = analyze(&doc)
        .into_iter()
        .filter(|f| f.code() == "PG601")
        .map(|f| f.message)
        .collect();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].contains("one query per `FolderRestriction` or `PageRestriction` in this loop"),
        "{}",
        messages[0]
    );
    // A third: named by count.
    let third = "\nclass Shelf(models.Model):\n    pass\n\nclass ShelfRestriction(models.Model):\n    shelf = models.ForeignKey(Shelf, on_delete=models.CASCADE, related_name='restrictions')\n    group = models.ForeignKey(Group, on_delete=models.CASCADE)\n";
    let src = src.replace("\ndef copy", &format!("{third}\ndef copy"));
    let doc = Document::parse(src.as_str());
    let f = analyze(&doc)
        .into_iter()
        .find(|f| f.code() == "PG601")
        .expect("a finding");
    assert!(
        f.message
            .contains("one query per `FolderRestriction` (or one of 2 other models) in this loop"),
        "{}",
        f.message
    );
}

#[test]
fn n_plus_one_fix_on_rows_of_a_relation() {
    let first = |body: &str| {
        let src = format!("{BOX_OFFICE}\n{body}");
        let doc = Document::parse(src.as_str());
        analyze(&doc)
            .into_iter()
            .find(|f| f.code() == "PG601" && f.range.start > BOX_OFFICE.len())
            .expect("a finding in the body")
    };
    // The object comes from the caller, who may have prefetched `tickets`:
    // the added call would bypass that prefetch.
    let f = first("def f(show: Show):\n    for t in show.tickets.all():\n        t.holder.name\n");
    assert_eq!(
        f.fix.as_ref().map(|f| f.applicability),
        Some(Applicability::Unsafe)
    );
    // The outer rows prefetch `tickets`: the path goes there, no fix on
    // the inner queryset (it would drop the prefetch).
    let f = first(
        "for s in Show.objects.prefetch_related('tickets'):\n    for t in s.tickets.all():\n        t.holder.name\n",
    );
    assert!(f.fix.is_none());
    assert!(
        f.message
            .contains(r#"`.prefetch_related("tickets__holder")` on the outer queryset"#),
        "{}",
        f.message
    );
    // No fix with deferred columns; the advice says `.iterator()` needs a
    // chunk size for the prefetch to run.
    let f = first("for s in Show.objects.only('id').iterator():\n    s.tickets.all()\n");
    assert!(f.fix.is_none());
    assert!(
        f.message.contains(
            r#"`.prefetch_related("tickets")`, with `.iterator(chunk_size=...)`, loads it"#
        ),
        "{}",
        f.message
    );
    // Rows of a queryset the loop shows whole: safe.
    let f = first("for t in Ticket.objects.all():\n    t.holder.name\n");
    assert_eq!(
        f.fix.as_ref().map(|f| f.applicability),
        Some(Applicability::Safe)
    );
}

#[test]
fn queryset_hints() {
    check(
        "PG602",
        "Post.objects.select_related('author')\nqs.select_related('a')\n",
        &["select_related('author')", "select_related('a')"],
    );
    check(
        "PG603",
        "Post.objects.prefetch_related('tags')\n",
        &["prefetch_related('tags')"],
    );
    check(
        "PG604",
        "from django.db.models import Prefetch\nPrefetch('tags')\n",
        &["Prefetch('tags')"],
    );
    check("PG604", "Prefetch('tags')\n", &[]);
    check(
        "PG605",
        "Post.objects.only('title')\nPost.objects.filter(a=1).defer('body')\n",
        &["only('title')", "defer('body')"],
    );
    // Generic names only on querysets: not on SQLAlchemy, dicts or lists.
    check(
        "PG614",
        "Post.objects.filter(a=1).count()\nsession.query(User).filter(a).count()\nitems.count(3)\n",
        &["count()"],
    );
    check(
        "PG623",
        "d = {}\nd.update(a=1)\nPost.objects.filter(a=1).update(b=2)\n",
        &["update(b=2)"],
    );
    // A custom manager method may return anything (Django's
    // `get_for_models` returns a dict).
    check(
        "PG606",
        "ctypes = ContentType.objects.get_for_models(*models)\nctypes.values()\n",
        &[],
    );
    check(
        "PG606",
        "def f():\n    qs = Post.objects.all()\n    return qs.values_list('id', flat=True)\n",
        &["values_list('id', flat=True)"],
    );
    check(
        "PG620",
        "from django.db.models import F\nPost.objects.update(views=F('views') + 1)\n",
        &["F('views')"],
    );
    check(
        "PG608",
        "from django.db import models\nclass P(models.Model):\n    slug = models.SlugField(db_index=True)\n    x = models.IntegerField(db_index=False)\nother(db_index=True)\n",
        &["db_index=True"],
    );
    // count() used as a truth test gets a specific message.
    let doc = Document::parse("if Post.objects.filter(a=1).count() > 0:\n    pass\n");
    let f = analyze(&doc)
        .into_iter()
        .find(|f| f.code() == "PG614")
        .unwrap();
    assert!(f.message.contains("exists()"), "{}", f.message);
}

#[test]
fn sql_string_formatting() {
    let code = "PG611";
    check(
        code,
        "Post.objects.raw(f\"SELECT * FROM p WHERE slug = '{slug}'\")\n",
        &["f\"SELECT * FROM p WHERE slug = '{slug}'\""],
    );
    check(
        code,
        "Post.objects.raw('SELECT * FROM p WHERE id = %s' % pk)\n",
        &["'SELECT * FROM p WHERE id = %s' % pk"],
    );
    check(
        code,
        "Post.objects.extra(where=[\"title = '%s'\" % title])\n",
        &["\"title = '%s'\" % title"],
    );
    check(
        code,
        "from django.db.models.expressions import RawSQL\nRawSQL('SELECT x FROM t WHERE a = ' + a, [])\n",
        &["'SELECT x FROM t WHERE a = ' + a"],
    );
    check(
        code,
        "with connection.cursor() as cur:\n    cur.execute(f\"SELECT * FROM {table} WHERE name LIKE '{q}%'\")\n",
        &["f\"SELECT * FROM {table} WHERE name LIKE '{q}%'\""],
    );
    check(
        code,
        "cursor.execute(\"DELETE FROM t WHERE id = {}\".format(pk))\n",
        &["\"DELETE FROM t WHERE id = {}\".format(pk)"],
    );
    for ok in [
        "Post.objects.raw('SELECT * FROM p WHERE id = %s', [pk])\n",
        "cursor.execute('SELECT 1')\n",
        "cursor.execute('SELECT * FROM t WHERE id = %s', [pk])\n",
        "cursor.execute(sql, params)\n",
        "cursor.execute('DROP TABLE %s' % qn(name))\n",
        "runner.execute(f'build {target}')\n",
        "thing.raw(f'{x}')\n",
        // Identifiers (tables, columns) formatted in, values as parameters:
        // how Django's own backends build SQL.
        "cursor.execute('SELECT COUNT(*) FROM %s' % table)\n",
        "cursor.execute('SELECT %s FROM %s WHERE %s = %%s' % (a, b, c), [v])\n",
        "cursor.execute('DELETE FROM %s WHERE %s IN (%s)' % (t, k, ', '.join(['%s'] * n)), keys)\n",
        "cursor.execute('SELECT `%s` FROM `%s` WHERE `%s` = 1' % (a, b, c))\n",
        "self.execute('UPDATE %s SET %s = %s' % (t, c, v))\n",
        "from django.db.models.expressions import RawSQL\nRawSQL('%s.%s' % (qn(t), col), [])\n",
    ] {
        check(code, ok, &[]);
    }
}

#[test]
fn sync_orm_in_async_def() {
    let code = "PG621";
    check(
        code,
        "async def view(pk):\n    post = Post.objects.get(pk=pk)\n    n = Post.objects.filter(a=1).count()\n",
        &["get(pk=pk)", "count()"],
    );
    check(
        code,
        "async def view():\n    for p in Post.objects.filter(a=1):\n        print(p)\n",
        &["Post.objects.filter(a=1)"],
    );
    for ok in [
        "def view(pk):\n    return Post.objects.get(pk=pk)\n",
        "async def view():\n    qs = Post.objects.filter(a=1)\n    return qs\n",
        "async def view(pk):\n    return await Post.objects.aget(pk=pk)\n",
        "async def view():\n    return await sync_to_async(lambda: Post.objects.get(pk=1))()\n",
        "async def view():\n    async for p in Post.objects.all():\n        print(p)\n",
        "async def view(d):\n    return d.get('k')\n",
    ] {
        check(code, ok, &[]);
    }
    assert_eq!(
        fixed(
            code,
            "async def v(pk):\n    t = Post.objects.get(pk=pk).title\n"
        ),
        "async def v(pk):\n    t = (await Post.objects.aget(pk=pk)).title\n"
    );
    assert_eq!(
        fixed(
            code,
            "async def v():\n    for p in Post.objects.all():\n        pass\n"
        ),
        "async def v():\n    async for p in Post.objects.all():\n        pass\n"
    );
}

/// The demo project under `examples/` shows every rule at least once (the
/// README's first command runs `pyguide check` over it).
#[test]
fn examples_exercise_every_rule() {
    use pyguide::detect::{ModelIndex, analyze_with};
    fn python_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                python_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "py") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    python_files(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"),
        &mut files,
    );
    let docs: Vec<(String, Document)> = files
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            (p.display().to_string(), Document::parse(text))
        })
        .collect();
    let mut models = ModelIndex::default();
    for (path, doc) in &docs {
        assert!(doc.syntax_errors().is_empty(), "{path} has syntax errors");
        models.update_file(path, doc);
    }
    let mut seen: Vec<&str> = docs
        .iter()
        .flat_map(|(_, doc)| analyze_with(doc, &models))
        .map(|f| f.code())
        .collect();
    seen.sort();
    seen.dedup();
    let missing: Vec<&str> = RULES
        .iter()
        .map(|r| r.code)
        .filter(|c| !seen.contains(c))
        .collect();
    assert!(missing.is_empty(), "examples/ never shows {missing:?}");
}

// ---- PG7xx: Django settings, security, views, signals, caching, migrations, Celery ----

/// A settings module: one Django-only name marks it (`INSTALLED_APPS`).
fn settings(body: &str) -> String {
    format!("INSTALLED_APPS = []\n{body}")
}

#[test]
fn django_middleware_setting_and_order() {
    let ok = "MIDDLEWARE = [\n    \"django.middleware.security.SecurityMiddleware\",\n    \"django.contrib.sessions.middleware.SessionMiddleware\",\n    \"django.contrib.auth.middleware.AuthenticationMiddleware\",\n]";
    check("PG701", &format!("{ok}\n"), &[ok]);
    check("PG702", &format!("{ok}\n"), &[]);
    check("PG701", "def f():\n    MIDDLEWARE = []\n", &[]);
    check("PG701", "settings.MIDDLEWARE = []\nmiddleware = []\n", &[]);
    check(
        "PG701",
        "if DEBUG:\n    MIDDLEWARE += [\"debug_toolbar.middleware.DebugToolbarMiddleware\"]\n",
        &["MIDDLEWARE += [\"debug_toolbar.middleware.DebugToolbarMiddleware\"]"],
    );
    let auth_first = "MIDDLEWARE = [\n    \"django.contrib.auth.middleware.AuthenticationMiddleware\",\n    \"django.contrib.messages.middleware.MessageMiddleware\",\n    \"django.contrib.sessions.middleware.SessionMiddleware\",\n]\n";
    check(
        "PG702",
        auth_first,
        &[
            "\"django.contrib.auth.middleware.AuthenticationMiddleware\"",
            "\"django.contrib.messages.middleware.MessageMiddleware\"",
        ],
    );
    // Cookie-based message storage does not need the session.
    check(
        "PG702",
        "MESSAGE_STORAGE = \"django.contrib.messages.storage.cookie.CookieStorage\"\nMIDDLEWARE = [\"django.contrib.messages.middleware.MessageMiddleware\", \"django.contrib.sessions.middleware.SessionMiddleware\"]\n",
        &[],
    );
    let csrf_first = "MIDDLEWARE = [\"django.middleware.csrf.CsrfViewMiddleware\", \"django.contrib.sessions.middleware.SessionMiddleware\"]\n";
    check("PG702", csrf_first, &[]);
    check(
        "PG702",
        &format!("CSRF_USE_SESSIONS = True\n{csrf_first}"),
        &["\"django.middleware.csrf.CsrfViewMiddleware\""],
    );
    check(
        "PG702",
        "MIDDLEWARE = [\n    \"django.contrib.sessions.middleware.SessionMiddleware\",\n    \"django.middleware.cache.UpdateCacheMiddleware\",\n    \"django.middleware.cache.FetchFromCacheMiddleware\",\n    \"django.middleware.gzip.GZipMiddleware\",\n]\n",
        &[
            "\"django.middleware.cache.UpdateCacheMiddleware\"",
            "\"django.middleware.cache.FetchFromCacheMiddleware\"",
        ],
    );
    let cache_ok = "MIDDLEWARE = [\n    \"django.middleware.cache.UpdateCacheMiddleware\",\n    \"django.contrib.sessions.middleware.SessionMiddleware\",\n    \"django.middleware.cache.FetchFromCacheMiddleware\",\n]\n";
    check("PG702", cache_ok, &[]);
    check(
        "PG739",
        cache_ok,
        &[
            "\"django.middleware.cache.UpdateCacheMiddleware\"",
            "\"django.middleware.cache.FetchFromCacheMiddleware\"",
        ],
    );
    check(
        "PG702",
        "MIDDLEWARE = [\"django.middleware.common.CommonMiddleware\", \"django.middleware.security.SecurityMiddleware\"]\n",
        &["\"django.middleware.security.SecurityMiddleware\""],
    );
    // Third-party middleware above SecurityMiddleware is the documented setup.
    check(
        "PG702",
        "MIDDLEWARE = [\"corsheaders.middleware.CorsMiddleware\", \"django.middleware.security.SecurityMiddleware\"]\n",
        &[],
    );
}

#[test]
fn django_middleware_class() {
    check(
        "PG703",
        "class Timing:\n    def __init__(self, get_response):\n        self.get_response = get_response\n    def __call__(self, request):\n        return self.get_response(request)\n",
        &["Timing"],
    );
    check(
        "PG703",
        "from django.utils.deprecation import MiddlewareMixin\nclass Old(MiddlewareMixin):\n    def process_request(self, request): pass\n",
        &["Old"],
    );
    check(
        "PG703",
        "class NotMw:\n    def __init__(self, handler):\n        self.handler = handler\n    def __call__(self, x): pass\nclass NoCall:\n    def __init__(self, get_response):\n        self.get_response = get_response\nclass Mixin(MiddlewareMixin): pass\n",
        &[],
    );
}

#[test]
fn django_csrf_exempt() {
    check(
        "PG704",
        "from django.views.decorators.csrf import csrf_exempt\n@csrf_exempt\ndef hook(request): pass\n",
        &["csrf_exempt"],
    );
    check(
        "PG704",
        "from django.views.decorators import csrf\n@csrf.csrf_exempt\ndef hook(request): pass\nurlpatterns = [path('x/', csrf.csrf_exempt(view))]\n",
        &["csrf.csrf_exempt", "csrf.csrf_exempt(view)"],
    );
    check(
        "PG704",
        "def csrf_exempt(f): return f\n@csrf_exempt\ndef hook(request): pass\n",
        &[],
    );
    check(
        "PG704",
        "from django.views.decorators.csrf import csrf_protect\n@csrf_protect\ndef v(request): pass\n",
        &[],
    );
}

#[test]
fn django_mark_safe() {
    let fstring = "from django.utils.safestring import mark_safe\ndef bio(user):\n    return mark_safe(f\"<p>{user.bio}</p>\")\n";
    check("PG705", fstring, &["mark_safe(f\"<p>{user.bio}</p>\")"]);
    assert_eq!(
        fixed("PG705", fstring),
        "from django.utils.html import format_html\nfrom django.utils.safestring import mark_safe\ndef bio(user):\n    return format_html(\"<p>{}</p>\", user.bio)\n"
    );
    let format = "from django.utils.html import format_html\nfrom django.utils.safestring import mark_safe as safe\nx = safe(\"<a href='{}'>{n}</a>\".format(url, n=name))\n";
    check(
        "PG705",
        format,
        &["safe(\"<a href='{}'>{n}</a>\".format(url, n=name))"],
    );
    assert_eq!(
        fixed("PG705", format),
        "from django.utils.html import format_html\nfrom django.utils.safestring import mark_safe as safe\nx = format_html(\"<a href='{}'>{n}</a>\", url, n=name)\n"
    );
    // Other shapes: a finding without a fix.
    let doc = Document::parse(
        "from django.utils.safestring import mark_safe\nx = mark_safe(html)\ny = mark_safe('<b>%s</b>' % name)\n",
    );
    let found: Vec<_> = analyze(&doc)
        .into_iter()
        .filter(|f| f.code() == "PG705")
        .collect();
    assert_eq!(found.len(), 2);
    assert!(found.iter().all(|f| f.fix.is_none()));
    for ok in [
        "mark_safe('<br>')",
        "mark_safe('<b>' 'x</b>')",
        "mark_safe(' class=\"end\"' if last else '')",
        "mark_safe(format_html('<b>{}</b>', name))",
        "mark_safe(escape(name))",
        "mark_safe(render_to_string('t.html', ctx))",
        "mark_safe(renderer.render(template, context))",
    ] {
        check(
            "PG705",
            &format!(
                "from django.utils.safestring import mark_safe\nfrom django.utils.html import format_html, escape\nfrom django.template.loader import render_to_string\nx = {ok}\n"
            ),
            &[],
        );
    }
    // A function that escapes values itself manages escaping explicitly.
    check(
        "PG705",
        "from django.utils.html import escape\nfrom django.utils.safestring import mark_safe\ndef f(v):\n    v = escape(v)\n    return mark_safe(v.replace('\\n', '<br>'))\n",
        &[],
    );
    check(
        "PG705",
        "def mark_safe(x): return x\ny = mark_safe(data)\n",
        &[],
    );
}

#[test]
fn django_security_settings() {
    check(
        "PG706",
        "CSRF_COOKIE_HTTPONLY = True\nCSRF_TRUSTED_ORIGINS = ['https://a.example']\n",
        &[
            "CSRF_COOKIE_HTTPONLY = True",
            "CSRF_TRUSTED_ORIGINS = ['https://a.example']",
        ],
    );
    check("PG706", "def f():\n    CSRF_COOKIE_HTTPONLY = True\n", &[]);
    check(
        "PG707",
        "from django.utils.csp import CSP\nSECURE_CSP = {\"default-src\": [CSP.SELF]}\n",
        &["SECURE_CSP = {\"default-src\": [CSP.SELF]}"],
    );
    check("PG707", "SECURE_SSL_REDIRECT = True\n", &[]);
    check(
        "PG718",
        "SECURE_SSL_REDIRECT = True\nSECURE_CSP = {}\n",
        &["SECURE_SSL_REDIRECT = True"],
    );
    // Generic names count only in a settings module.
    check("PG718", "SESSION_COOKIE_SECURE = True\n", &[]);
    check(
        "PG718",
        &settings("SESSION_COOKIE_SECURE = True\n"),
        &["SESSION_COOKIE_SECURE = True"],
    );
    check(
        "PG708",
        "X_FRAME_OPTIONS = 'SAMEORIGIN'\n",
        &["X_FRAME_OPTIONS = 'SAMEORIGIN'"],
    );
    check("PG709", "X_FRAME_OPTIONS = 'SAMEORIGIN'\n", &[]);
    check(
        "PG709",
        "X_FRAME_OPTIONS = \"allow-from https://partner.example\"\n",
        &["X_FRAME_OPTIONS = \"allow-from https://partner.example\""],
    );
    check(
        "PG708",
        "X_FRAME_OPTIONS = \"ALLOW-FROM https://partner.example\"\n",
        &[],
    );
    check(
        "PG710",
        "from django.views.decorators.clickjacking import xframe_options_exempt\n@xframe_options_exempt\ndef embed(request): pass\n",
        &["xframe_options_exempt"],
    );
    check(
        "PG710",
        "@xframe_options_exempt\ndef embed(request): pass\n",
        &[],
    );
}

#[test]
fn django_hosts_and_secret_key() {
    check(
        "PG711",
        "ALLOWED_HOSTS = ['example.com']\n",
        &["ALLOWED_HOSTS = ['example.com']"],
    );
    check(
        "PG712",
        "ALLOWED_HOSTS = ['example.com', '.example.org']\n",
        &[],
    );
    check("PG712", "ALLOWED_HOSTS = ['*']\n", &["'*'"]);
    check("PG712", "ALLOWED_HOSTS += (\"*\",)\n", &["\"*\""]);
    // Local development settings.
    check("PG712", "DEBUG = True\nALLOWED_HOSTS = ['*']\n", &[]);
    check(
        "PG713",
        "USE_X_FORWARDED_HOST = True\n",
        &["USE_X_FORWARDED_HOST = True"],
    );
    let real = "SECRET_KEY = \"k8#2x!q9zv$7m@p4w&r1t^y6u*i0o-a3s5d8f2g4h6j8k0l2z4x6c8v0b2n\"";
    check("PG715", &settings(&format!("{real}\n")), &[real]);
    check("PG714", &settings(&format!("{real}\n")), &[]);
    // Not in a settings module (a Flask config uses the same name).
    check("PG715", &format!("{real}\n"), &[]);
    check("PG714", &format!("{real}\n"), &[]);
    for dev in [
        "SECRET_KEY = \"django-insecure-k8#2x!q9zv$7m@p4w&r1t^y6u*i0o-a3s5d8f2g4h6j8k0l2z4\"",
        "SECRET_KEY = 'test'",
        "SECRET_KEY = os.environ['SECRET_KEY']",
        "SECRET_KEY = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
    ] {
        check("PG715", &settings(&format!("{dev}\n")), &[]);
        check("PG714", &settings(&format!("{dev}\n")), &[dev]);
    }
    check(
        "PG716",
        "SECRET_KEY_FALLBACKS = [os.environ['OLD_KEY']]\n",
        &["SECRET_KEY_FALLBACKS = [os.environ['OLD_KEY']]"],
    );
    check("PG717", &settings("DEBUG = True\n"), &["DEBUG = True"]);
    check("PG717", "DEBUG = True\n", &[]);
    check("PG717", &settings("MY_DEBUG = True\n"), &[]);
}

#[test]
fn django_password_hashers_and_users() {
    let md5 = "PASSWORD_HASHERS = [\n    \"django.contrib.auth.hashers.MD5PasswordHasher\",\n]\n";
    check(
        "PG720",
        md5,
        &["\"django.contrib.auth.hashers.MD5PasswordHasher\""],
    );
    check("PG719", md5, &[md5.trim_end()]);
    // Test settings use MD5 for speed, as Django's docs recommend.
    check("PG720", &format!("# settings for the test run\n{md5}"), &[]);
    check(
        "PG720",
        "PASSWORD_HASHERS = [\n    \"django.contrib.auth.hashers.Argon2PasswordHasher\",\n    \"django.contrib.auth.hashers.UnsaltedMD5PasswordHasher\",\n]\n",
        &[],
    );
    check(
        "PG721",
        "from django.contrib.auth.hashers import make_password\nh = make_password(raw)\n",
        &["make_password(raw)"],
    );
    check(
        "PG721",
        "def make_password(r): pass\nh = make_password(raw)\n",
        &[],
    );
    check(
        "PG722",
        "from django.contrib.auth import get_user_model\nuser.set_password(raw)\n",
        &["user.set_password(raw)"],
    );
    check("PG722", "user.set_password(raw)\n", &[]);
    check(
        "PG722",
        "from django.db import models\nuser.set_password(a, b)\n",
        &[],
    );
    check(
        "PG723",
        "AUTH_USER_MODEL = 'accounts.User'\n",
        &["AUTH_USER_MODEL = 'accounts.User'"],
    );
    check(
        "PG724",
        "from django.contrib.auth import get_user_model\nUser = get_user_model()\n",
        &["get_user_model()"],
    );
    check("PG724", "User = get_user_model()\n", &[]);
}

#[test]
fn django_databases() {
    check(
        "PG725",
        "DATABASE_ROUTERS = ['core.routers.TenantRouter']\n",
        &["DATABASE_ROUTERS = ['core.routers.TenantRouter']"],
    );
    check("PG725", "routers = ['core.routers.TenantRouter']\n", &[]);
    let dbs = "DATABASES = {\n    \"default\": {\n        \"ENGINE\": \"django.db.backends.postgresql\",\n        \"CONN_MAX_AGE\": 60,\n        \"CONN_HEALTH_CHECKS\": True,\n        \"ATOMIC_REQUESTS\": True,\n        \"OPTIONS\": {\"pool\": True},\n    }\n}\n";
    check("PG726", dbs, &["\"CONN_MAX_AGE\": 60"]);
    check("PG727", dbs, &["\"CONN_HEALTH_CHECKS\": True"]);
    check("PG729", dbs, &["\"ATOMIC_REQUESTS\": True"]);
    check("PG728", dbs, &["\"pool\": True"]);
    check(
        "PG726",
        "import dj_database_url\nDATABASES = {\"default\": dj_database_url.config(conn_max_age=600)}\nDATABASES[\"default\"][\"CONN_MAX_AGE\"] = 0\n",
        &[
            "conn_max_age=600",
            "DATABASES[\"default\"][\"CONN_MAX_AGE\"] = 0",
        ],
    );
    // Not inside DATABASES, or `pool` outside OPTIONS.
    check(
        "PG726",
        "CACHE = {\"CONN_MAX_AGE\": 60}\nDATABASES = {\"default\": {\"pool\": True}}\n",
        &[],
    );
    check(
        "PG728",
        "DATABASES = {\"default\": {\"pool\": True}}\n",
        &[],
    );
}

#[test]
fn django_transactions_migrations_indexes() {
    check(
        "PG730",
        "from django.db import transaction\n@transaction.atomic\ndef f(): pass\ndef g():\n    with transaction.atomic(using='x'):\n        pass\n",
        &["transaction.atomic", "transaction.atomic(using='x')"],
    );
    check("PG730", "import contextlib\nwith atomic(): pass\n", &[]);
    check(
        "PG731",
        "from django.db.transaction import on_commit\non_commit(lambda: notify(1))\n",
        &["on_commit(lambda: notify(1))"],
    );
    check(
        "PG732",
        "from django.db import migrations\nops = [migrations.RunPython(forwards, migrations.RunPython.noop)]\n",
        &["migrations.RunPython(forwards, migrations.RunPython.noop)"],
    );
    check("PG732", "ops = [RunPython(forwards)]\n", &[]);
    check(
        "PG733",
        "from django.contrib.postgres.operations import AddIndexConcurrently\nop = AddIndexConcurrently('book', idx)\n",
        &["AddIndexConcurrently('book', idx)"],
    );
    let model = "from django.db import models\nclass Book(models.Model):\n    class Meta:\n        indexes = [models.Index(fields=['title'])]\n        constraints = [models.UniqueConstraint(fields=['isbn'], name='u')]\n";
    check("PG734", model, &["models.Index(fields=['title'])"]);
    check(
        "PG735",
        model,
        &["indexes = [models.Index(fields=['title'])]"],
    );
    check(
        "PG736",
        model,
        &["models.UniqueConstraint(fields=['isbn'], name='u')"],
    );
    check(
        "PG735",
        "class Meta:\n    indexes = []\nclass Book:\n    indexes = []\n",
        &[],
    );
}

#[test]
fn django_caching_signals_async() {
    check(
        "PG737",
        "from django.views.decorators.cache import cache_page\n@cache_page(60)\ndef v(request): pass\n",
        &["cache_page(60)"],
    );
    check("PG737", "@cache_page(60)\ndef v(request): pass\n", &[]);
    check(
        "PG738",
        "CACHES = {\"default\": {\"BACKEND\": \"django.core.cache.backends.redis.RedisCache\"}}\n",
        &["CACHES = {\"default\": {\"BACKEND\": \"django.core.cache.backends.redis.RedisCache\"}}"],
    );
    check(
        "PG740",
        "from django.dispatch import receiver\nfrom django.db.models.signals import post_save\n@receiver(post_save, sender=Book)\ndef on_save(sender, **kw): pass\n",
        &["receiver(post_save, sender=Book)"],
    );
    check(
        "PG741",
        "from django.db.models.signals import post_save\nfrom django.db.models import signals\npost_save.connect(on_save, sender=Book)\nsignals.pre_delete.connect(on_delete)\n",
        &[
            "post_save.connect(on_save, sender=Book)",
            "signals.pre_delete.connect(on_delete)",
        ],
    );
    check(
        "PG741",
        "import django.dispatch\norder_paid = django.dispatch.Signal()\norder_paid.connect(handler)\n",
        &["order_paid.connect(handler)"],
    );
    check(
        "PG741",
        "import sqlite3\ndb = sqlite3.connect('x')\nsignal.connect(handler)\nsock.connect(addr)\n",
        &[],
    );
    check(
        "PG742",
        "from asgiref.sync import sync_to_async, async_to_sync\nget = sync_to_async(load)\nrun = async_to_sync(fetch)\n",
        &["sync_to_async(load)", "async_to_sync(fetch)"],
    );
    check(
        "PG742",
        "def sync_to_async(f): return f\nx = sync_to_async(g)\n",
        &[],
    );
}

#[test]
fn drf_and_pytest_django() {
    let serializers = "from rest_framework import serializers\nclass TagSerializer(serializers.ModelSerializer):\n    pass\nclass BookSerializer(serializers.ModelSerializer):\n    author = AuthorSerializer()\n    tags = TagSerializer(many=True, read_only=True)\n    title = serializers.CharField()\n    n = serializers.SerializerMethodField()\n";
    check(
        "PG744",
        serializers,
        &[
            "AuthorSerializer()",
            "TagSerializer(many=True, read_only=True)",
        ],
    );
    check(
        "PG743",
        serializers,
        &["serializers.SerializerMethodField()"],
    );
    check(
        "PG744",
        "class Form:\n    author = AuthorSerializer()\n",
        &[],
    );
    check(
        "PG745",
        "import pytest\n@pytest.mark.django_db\ndef test_a(): pass\npytestmark = pytest.mark.django_db(transaction=True)\n",
        &[
            "pytest.mark.django_db",
            "pytest.mark.django_db(transaction=True)",
        ],
    );
    check(
        "PG745",
        "import pytest\n@pytest.mark.slow\ndef test_a(): pass\n",
        &[],
    );
    check(
        "PG746",
        "def test_list(client, django_assert_num_queries):\n    with django_assert_num_queries(3):\n        client.get('/')\nclass T(TestCase):\n    def test_x(self):\n        with self.assertNumQueries(2):\n            pass\n",
        &["django_assert_num_queries(3)", "self.assertNumQueries(2)"],
    );
    check(
        "PG746",
        "def test_list(client):\n    with django_assert_num_queries(3):\n        pass\n",
        &[],
    );
}

#[test]
fn celery_tasks() {
    let tasks = "from celery import shared_task, Celery\napp = Celery('proj')\n\n@shared_task(bind=True, autoretry_for=(ConnectionError,), acks_late=True)\ndef send(self, order_id):\n    raise self.retry(countdown=5)\n\n@app.task\ndef cleanup():\n    pass\n";
    check(
        "PG750",
        tasks,
        &[
            "@shared_task(bind=True, autoretry_for=(ConnectionError,), acks_late=True)",
            "@app.task",
        ],
    );
    check("PG752", tasks, &["self.retry(countdown=5)"]);
    check("PG753", tasks, &["autoretry_for=(ConnectionError,)"]);
    check("PG754", tasks, &[]);
    check("PG755", tasks, &["acks_late=True"]);
    check(
        "PG754",
        "from celery import shared_task\n@shared_task(autoretry_for=(Exception,), max_retries=None)\ndef t(): pass\n",
        &["autoretry_for=(Exception,)"],
    );
    // Not Celery: an unknown `app`, a local `shared_task`, retry without bind.
    check(
        "PG750",
        "@app.task\ndef a(): pass\ndef shared_task(f): return f\n@shared_task\ndef b(): pass\n",
        &[],
    );
    check(
        "PG752",
        "from celery import shared_task\n@shared_task\ndef t(self):\n    self.retry()\n",
        &[],
    );
    // A project's app imported from its celery module.
    check(
        "PG750",
        "from .celery import app\n@app.task(ignore_result=True)\ndef t(): pass\n",
        &["@app.task(ignore_result=True)"],
    );
}

#[test]
fn celery_enqueue() {
    let views = "from django.db import transaction\nfrom .tasks import send_receipt\nfrom orders import tasks\n\ndef checkout(order):\n    send_receipt.delay(order.pk)\n    tasks.notify.apply_async((order.pk,), countdown=10)\n    with transaction.atomic():\n        order.save()\n        send_receipt.delay(order.pk)\n        transaction.on_commit(lambda: send_receipt.delay(order.pk))\n        send_receipt.delay_on_commit(order.pk)\n\n@transaction.atomic\ndef pay(order):\n    send_receipt.apply_async((order.pk,))\n";
    check(
        "PG751",
        views,
        &[
            "send_receipt.delay(order.pk)",
            "tasks.notify.apply_async((order.pk,), countdown=10)",
            "send_receipt.delay(order.pk)",
            "send_receipt.delay_on_commit(order.pk)",
        ],
    );
    check(
        "PG756",
        views,
        &[
            "send_receipt.delay(order.pk)",
            "send_receipt.apply_async((order.pk,))",
        ],
    );
    // `.apply_async` / `.delay` on things not known to be tasks.
    check(
        "PG751",
        "from multiprocessing import Pool\nwith Pool() as pool:\n    pool.apply_async(work, (1,))\nmock.delay(3)\n",
        &[],
    );
}

// ---- Modern Python topics (hover reachability): closures, scopes,
// context managers, exception groups, caching, asyncio, classes, typing,
// match, logging and pytest.

/// The topics a hover can reach: every rule's topic.
#[test]
fn topics_reachable_from_hover() {
    let guide = guide::load_builtin().guide;
    let mut topics: Vec<&str> = RULES.iter().map(|r| r.topic).collect();
    topics.sort_unstable();
    topics.dedup();
    println!(
        "{} of {} topics reachable from hover:\n{}",
        topics.len(),
        guide.topics().len(),
        topics.join("\n")
    );
    for t in &topics {
        assert!(guide.get(t).is_some(), "no topic {t}");
    }
    // Every topic is reachable from hover except those with no construct of
    // their own (reachable through search and `related` links).
    let unreachable: Vec<&str> = guide
        .topics()
        .iter()
        .map(|t| t.id.as_str())
        .filter(|id| !topics.contains(id))
        .collect();
    assert_eq!(
        unreachable,
        [
            "queryset-laziness-caching",
            "decorators-in-simple-terms",
            "list-vs-tuple",
            "virtual-environments",
            "project-layout",
            "rust-extensions-pyo3",
        ],
        "topics unreachable from hover changed"
    );
    for t in [
        "closures-late-binding",
        "comprehension-scope",
        "context-managers",
        "exception-groups",
        "functools-lru-cache",
        "threading-locks-race-conditions",
        "async-context-managers-iterators",
        "asyncio-cancellation-timeouts",
        "asyncio-queues",
        "asyncio-semaphore-concurrency-limits",
        "asyncio-to-thread",
        "contextvars",
        "abstract-base-classes",
        "descriptors-and-property",
        "enums",
        "generics-and-typevar",
        "metaclasses",
        "new-vs-init",
        "slots",
        "structural-pattern-matching",
        "logging-best-practices",
        "pytest-fixtures",
    ] {
        assert!(topics.contains(&t), "{t} is not reachable from any rule");
    }
}

#[test]
fn closure_in_loop() {
    check(
        "PG108",
        "fs = [lambda: i for i in range(3)]\n",
        &["lambda: i"],
    );
    check(
        "PG108",
        "fs = {k: lambda x: x + k for k in ks}\n",
        &["lambda x: x + k"],
    );
    check(
        "PG108",
        "for n in names:\n    buttons.append(lambda: greet(n))\n",
        &["lambda: greet(n)"],
    );
    check(
        "PG108",
        "def f(ks):\n    for k, v in ks:\n        handlers[k] = lambda *a, **kw: v(k, *a, **kw)\n",
        &["lambda *a, **kw: v(k, *a, **kw)"],
    );
    check(
        "PG108",
        "for i in range(3):\n    loop.call_soon(lambda: print(i))\n",
        &["lambda: print(i)"],
    );
    check(
        "PG108",
        "for row in rows:\n    self.cb = (row.id, lambda: row)\n",
        &["lambda: row"],
    );
    check(
        "PG108",
        "for i in range(3):\n    def show():\n        return i\n    callbacks.append(show)\n",
        &["show"],
    );
    // Bound now, called now, passed to an ordinary call, or not a loop variable.
    check("PG108", "fs = [lambda i=i: i for i in range(3)]\n", &[]);
    check(
        "PG108",
        "for i in range(3):\n    out.append((lambda: i)())\n",
        &[],
    );
    check(
        "PG108",
        "for i in range(3):\n    ys = sorted(xs, key=lambda x: x[i])\n",
        &[],
    );
    check(
        "PG108",
        "for i in range(3):\n    fs.append(lambda x: x + 1)\n",
        &[],
    );
    check("PG108", "gen = (lambda: i for i in range(3))\n", &[]);
    check(
        "PG108",
        "for i in range(3):\n    pass\nelse:\n    fs.append(lambda: i)\n",
        &[],
    );
    check(
        "PG108",
        "for i in range(3):\n    def show(i):\n        return i\n    callbacks.append(show)\n",
        &[],
    );
    check(
        "PG108",
        "for i in range(3):\n    def show():\n        i = 0\n        return i\n    callbacks.append(show)\n",
        &[],
    );
    check(
        "PG108",
        "for i in range(3):\n    def show():\n        return i\n    show()\n",
        &[],
    );
    check(
        "PG108",
        "for i in range(3):\n    fs.append(lambda: obj.i)\n",
        &[],
    );
    check(
        "PG108",
        "for a in tries:\n    if ok(a):\n        done.append(lambda: report(a))\n        break\n",
        &[],
    );
    check(
        "PG108",
        "for a in tries:\n    for b in a:\n        done.append(lambda: report(a))\n        break\n",
        &["lambda: report(a)"],
    );
    assert_eq!(
        fixed("PG108", "fs = [lambda: i for i in range(3)]\n"),
        "fs = [lambda i=i: i for i in range(3)]\n"
    );
    assert_eq!(
        fixed(
            "PG108",
            "for k, v in d.items():\n    fs.append(lambda x, **kw: f(x, k, v))\n"
        ),
        "for k, v in d.items():\n    fs.append(lambda x, k=k, v=v, **kw: f(x, k, v))\n"
    );
    assert_eq!(
        fixed(
            "PG108",
            "for i in range(3):\n    def show():\n        return i\n    callbacks.append(show)\n"
        ),
        "for i in range(3):\n    def show(i=i):\n        return i\n    callbacks.append(show)\n"
    );
    assert_eq!(
        fixed(
            "PG108",
            "for i in r:\n    def show(a, *rest):\n        return i\n    cbs.append(show)\n"
        ),
        "for i in r:\n    def show(a, *rest, i=i):\n        return i\n    cbs.append(show)\n"
    );
}

#[test]
fn nonlocal_and_comprehension_scope() {
    check(
        "PG109",
        "def counter():\n    n = 0\n    def inc():\n        nonlocal n\n        n += 1\n    return inc\n",
        &["nonlocal n"],
    );
    check("PG109", "def f():\n    global n\n", &[]);
    check(
        "PG110",
        "def f(xs):\n    ys = [y for x in xs if (y := g(x))]\n    return y\n",
        &["y := g(x)"],
    );
    check("PG110", "if (n := len(xs)) > 3: pass\n", &[]);
    check(
        "PG110",
        "ok = any((m := p.match(s)) for s in lines)\n",
        &["m := p.match(s)"],
    );
    let class_body =
        "class C:\n    FACTOR = 2\n    xs = [1, 2]\n    ys = [x * FACTOR for x in xs]\n";
    check("PG111", class_body, &["FACTOR"]);
    check(
        "PG111",
        "class C:\n    xs = [1]\n    ys = [(a, b) for a in range(2) for b in xs if b]\n",
        &["xs"],
    );
    // The first iterable is evaluated in the class body.
    check(
        "PG111",
        "class C:\n    xs = [1]\n    ys = [x for x in xs]\n",
        &[],
    );
    // A module-level name of the same name is what the comprehension sees.
    check(
        "PG111",
        "FACTOR = 3\nclass C:\n    FACTOR = 2\n    ys = [x * FACTOR for x in range(3)]\n",
        &[],
    );
    check(
        "PG111",
        "from .conf import FACTOR\nclass C:\n    FACTOR = 2\n    ys = [x * FACTOR for x in range(3)]\n",
        &[],
    );
    check(
        "PG111",
        "class C:\n    FACTOR = 2\n    def m(self):\n        return [x * FACTOR for x in range(3)]\n",
        &[],
    );
    check(
        "PG111",
        "class C:\n    list = 2\n    ys = [list(x) for x in range(3)]\n",
        &[],
    );
    check(
        "PG111",
        "from m import *\nclass C:\n    F = 2\n    ys = [x * F for x in range(3)]\n",
        &[],
    );
}

#[test]
fn context_managers_and_exception_groups() {
    check(
        "PG112",
        "from contextlib import contextmanager\n@contextmanager\ndef opened():\n    yield 1\n",
        &["contextmanager"],
    );
    check(
        "PG113",
        "import contextlib\nwith contextlib.ExitStack() as stack: pass\n",
        &["contextlib.ExitStack()"],
    );
    check(
        "PG112",
        "def contextmanager(f): return f\n@contextmanager\ndef g(): yield\n",
        &[],
    );
    check(
        "PG114",
        "try:\n    run()\nexcept* ValueError as eg:\n    pass\nexcept* (KeyError, OSError):\n    pass\n",
        &["except* ValueError as eg", "except* (KeyError, OSError)"],
    );
    check(
        "PG114",
        "try:\n    run()\nexcept ValueError:\n    pass\n",
        &[],
    );
    check(
        "PG115",
        "raise ExceptionGroup('many', [ValueError(1)])\n",
        &["ExceptionGroup('many', [ValueError(1)])"],
    );
    check(
        "PG115",
        "class ExceptionGroup(Exception): pass\nraise ExceptionGroup('x')\n",
        &[],
    );
    check(
        "PG116",
        "try:\n    run()\nexcept OSError as err:\n    err.add_note('while loading')\n    raise\n",
        &["err.add_note('while loading')"],
    );
    check("PG116", "ticket.add_note('call back')\n", &[]);
    check(
        "PG116",
        "try:\n    run()\nexcept OSError as err:\n    ticket.add_note(str(err))\n",
        &[],
    );
}

#[test]
fn lru_cache() {
    check(
        "PG117",
        "import functools\n@functools.lru_cache(maxsize=32)\ndef fib(n): return n\n",
        &["functools.lru_cache(maxsize=32)"],
    );
    check(
        "PG117",
        "from functools import cache\n@cache\ndef fib(n): return n\n",
        &["cache"],
    );
    let method = "from functools import lru_cache\nclass Shape:\n    @lru_cache\n    def area(self):\n        return 1\n";
    check("PG118", method, &["@lru_cache"]);
    check(
        "PG118",
        "import functools\nclass S:\n    @property\n    @functools.cache\n    def area(self): return 1\n",
        &["@functools.cache"],
    );
    check(
        "PG118",
        "from functools import lru_cache\nclass S:\n    @staticmethod\n    @lru_cache\n    def f(x): return x\n    @classmethod\n    @lru_cache(maxsize=None)\n    def g(cls): return 1\n",
        &[],
    );
    check(
        "PG118",
        "from functools import lru_cache\n@lru_cache\ndef f(x): return x\nclass S:\n    def m(self):\n        @lru_cache\n        def inner(x): return x\n",
        &[],
    );
    check(
        "PG118",
        "def lru_cache(f): return f\nclass S:\n    @lru_cache\n    def m(self): return 1\n",
        &[],
    );
    check(
        "PG118",
        "import functools\nclass P:\n    @functools.lru_cache()\n    def __new__(cls, root):\n        return super().__new__(cls)\n",
        &[],
    );
    check(
        "PG118",
        "import functools\nclass E:\n    @classproperty\n    @functools.lru_cache(maxsize=128)\n    def sig(cls):\n        return 1\n",
        &[],
    );
    let message = |src: &str| {
        analyze(&Document::parse(src))
            .into_iter()
            .find(|f| f.code() == "PG118")
            .map(|f| f.message)
            .expect("a PG118 finding")
    };
    let m = |deco: &str| {
        message(&format!(
            "import functools\nfrom functools import lru_cache, cache\nclass S:\n    @{deco}\n    def m(self, x): return x\n"
        ))
    };
    assert!(m("cache").contains("every instance it has seen alive"));
    assert!(m("lru_cache(maxsize=None)").contains("every instance"));
    assert!(m("lru_cache").contains("up to 128 recently used instances"));
    assert!(m("functools.lru_cache(32)").contains("up to 32 recently used"));
    assert!(m("lru_cache(maxsize=8, typed=True)").contains("up to 8 recently used"));
}

#[test]
fn threads_queues_and_contextvars() {
    check(
        "PG307",
        "import threading\nlock = threading.Lock()\n",
        &["threading.Lock()"],
    );
    check(
        "PG308",
        "from queue import Queue\nq = Queue(maxsize=10)\n",
        &["Queue(maxsize=10)"],
    );
    check("PG308", "import asyncio\nq = asyncio.Queue()\n", &[]);
    check(
        "PG309",
        "import threading\nstate = threading.local()\n",
        &["threading.local()"],
    );
    check(
        "PG219",
        "from contextvars import ContextVar\nrequest_id: ContextVar[str] = ContextVar('request_id')\n",
        &["ContextVar", "ContextVar('request_id')"],
    );
    check(
        "PG220",
        "import contextvars\nctx = contextvars.copy_context()\n",
        &["contextvars.copy_context()"],
    );
}

#[test]
fn asyncio_timeouts_queues_and_threads() {
    check(
        "PG211",
        "import asyncio\nasync def m():\n    async with asyncio.timeout(5):\n        await job()\n",
        &["asyncio.timeout(5)"],
    );
    check(
        "PG212",
        "import asyncio as aio\nasync def m():\n    await aio.wait_for(job(), 3)\n",
        &["aio.wait_for(job(), 3)"],
    );
    check(
        "PG213",
        "from asyncio import shield\nasync def m(t):\n    await shield(t)\n",
        &["shield(t)"],
    );
    check(
        "PG215",
        "import asyncio\nq: asyncio.Queue[int] = asyncio.Queue(maxsize=100)\n",
        &["asyncio.Queue", "asyncio.Queue(maxsize=100)"],
    );
    check(
        "PG216",
        "import asyncio\nsem = asyncio.BoundedSemaphore(10)\n",
        &["asyncio.BoundedSemaphore(10)"],
    );
    check(
        "PG217",
        "import asyncio\nasync def m():\n    return await asyncio.to_thread(work, 1)\n",
        &["asyncio.to_thread(work, 1)"],
    );
    check(
        "PG218",
        "async def m(loop):\n    return await loop.run_in_executor(None, work)\n",
        &["loop.run_in_executor(None, work)"],
    );
    check(
        "PG218",
        "def run_in_executor(): pass\nrun_in_executor()\n",
        &[],
    );
    check(
        "PG221",
        "from contextlib import asynccontextmanager\n@asynccontextmanager\nasync def conn():\n    yield 1\n",
        &["asynccontextmanager"],
    );
    check(
        "PG222",
        "import contextlib\nasync def m():\n    async with contextlib.aclosing(agen()) as it:\n        pass\n",
        &["contextlib.aclosing(agen())"],
    );
    check(
        "PG223",
        "class Conn:\n    async def __aenter__(self): return self\n    async def __aexit__(self, *exc): pass\n    def __aiter__(self): return self\n",
        &["__aenter__", "__aexit__", "__aiter__"],
    );
    check(
        "PG503",
        "class Conn:\n    async def __aenter__(self): return self\n",
        &[],
    );
}

#[test]
fn cancelled_error_swallowed() {
    let swallow = "import asyncio\nasync def worker(q):\n    while True:\n        try:\n            await q.get()\n        except asyncio.CancelledError:\n            break\n";
    check("PG214", swallow, &["asyncio.CancelledError"]);
    check(
        "PG214",
        "from asyncio import CancelledError\nasync def m():\n    try:\n        await job()\n    except (OSError, CancelledError) as e:\n        log(e)\n",
        &["CancelledError"],
    );
    // Re-raised, uncancelled, or the documented wait for a cancelled task.
    check(
        "PG214",
        "import asyncio\nasync def m():\n    try:\n        await job()\n    except asyncio.CancelledError:\n        cleanup()\n        raise\n",
        &[],
    );
    check(
        "PG214",
        "import asyncio\nasync def m():\n    try:\n        await job()\n    except asyncio.CancelledError:\n        asyncio.current_task().uncancel()\n",
        &[],
    );
    check(
        "PG214",
        "import asyncio\nasync def m(task):\n    task.cancel()\n    try:\n        await task\n    except asyncio.CancelledError:\n        pass\n",
        &[],
    );
    check(
        "PG214",
        "import asyncio\nasync def m(loop, fut):\n    loop.call_soon(fut.cancel)\n    try:\n        await fut\n    except asyncio.CancelledError:\n        pass\n",
        &[],
    );
    check(
        "PG214",
        "import asyncio\ndef m(loop):\n    try:\n        loop.run_until_complete(job())\n    except asyncio.CancelledError:\n        pass\n",
        &[],
    );
    check(
        "PG214",
        "class CancelledError(Exception): pass\nasync def m():\n    try:\n        await job()\n    except CancelledError:\n        pass\n",
        &[],
    );
}

#[test]
fn gather_message_is_specific_to_the_call() {
    let message = |src: &str| {
        let doc = Document::parse(src);
        analyze(&doc)
            .into_iter()
            .find(|f| f.code() == "PG201")
            .map(|f| (src[f.range.clone()].to_string(), f.message))
            .expect("a PG201 finding")
    };
    let (range, msg) =
        message("import asyncio\nasync def m():\n    await asyncio.gather(a(), b(), c())\n");
    assert_eq!(range, "asyncio.gather(a(), b(), c())");
    assert!(
        msg.starts_with("gathers 3 awaitables")
            && msg.contains("without `return_exceptions=True` the first exception propagates"),
        "{msg}"
    );
    let (_, msg) = message(
        "import asyncio\nasync def m(cs):\n    await asyncio.gather(*cs, return_exceptions=True)\n",
    );
    assert!(
        msg.starts_with("gathers the unpacked awaitables")
            && msg.contains("exceptions are returned in the result list"),
        "{msg}"
    );
    let (_, msg) = message("import asyncio\nx = asyncio.gather\n");
    assert!(msg.starts_with("`asyncio.gather`"), "{msg}");
}

#[test]
fn classes_slots_descriptors_metaclasses() {
    check(
        "PG506",
        "class P:\n    __slots__ = ('x', 'y')\n",
        &["__slots__ = ('x', 'y')"],
    );
    check(
        "PG506",
        "__slots__ = ()\nclass P:\n    def f(self):\n        __slots__ = 1\n",
        &[],
    );
    check(
        "PG507",
        "from dataclasses import dataclass\n@dataclass(slots=True, frozen=True)\nclass P:\n    x: int\n",
        &["slots=True"],
    );
    check(
        "PG507",
        "from dataclasses import dataclass\n@dataclass(slots=False)\nclass P:\n    x: int\n",
        &[],
    );
    check(
        "PG508",
        "class C:\n    @property\n    def area(self): return 1\n",
        &["property"],
    );
    check(
        "PG508",
        "def property(f): return f\nclass C:\n    @property\n    def area(self): return 1\n",
        &[],
    );
    check(
        "PG509",
        "from functools import cached_property\nclass C:\n    @cached_property\n    def area(self): return 1\n",
        &["cached_property"],
    );
    check(
        "PG510",
        "class Field:\n    def __set_name__(self, owner, name): pass\n    def __get__(self, obj, objtype=None): pass\n    def __set__(self, obj, value): pass\n",
        &["__set_name__", "__get__", "__set__"],
    );
    check("PG510", "def __get__(self, obj): pass\n", &[]);
    check(
        "PG511",
        "class Model(Base, metaclass=ModelMeta): pass\n",
        &["metaclass=ModelMeta"],
    );
    check(
        "PG511",
        "from abc import ABCMeta\nclass Model(metaclass=ABCMeta): pass\n",
        &[],
    );
    check("PG512", "class Meta(type):\n    pass\n", &["type"]);
    check("PG512", "class T(Type): pass\ndef f(type): pass\n", &[]);
    check(
        "PG513",
        "class Plugin:\n    def __init_subclass__(cls, **kw):\n        super().__init_subclass__(**kw)\n",
        &["__init_subclass__"],
    );
    check(
        "PG514",
        "class Point(tuple):\n    def __new__(cls, x, y):\n        return super().__new__(cls, (x, y))\n",
        &["__new__"],
    );
    check(
        "PG503",
        "class Point(tuple):\n    def __new__(cls): pass\n",
        &[],
    );
}

#[test]
fn abcs_enums_and_generics() {
    check(
        "PG515",
        "from abc import ABC, abstractmethod\nclass Repo(ABC):\n    @abstractmethod\n    def get(self): ...\n",
        &["ABC"],
    );
    check(
        "PG516",
        "import abc\nclass Repo(abc.ABC):\n    @abc.abstractmethod\n    def get(self): ...\n",
        &["abc.abstractmethod"],
    );
    check(
        "PG515",
        "import abc\nclass Repo(metaclass=abc.ABCMeta): pass\n",
        &["abc.ABCMeta"],
    );
    check(
        "PG517",
        "from enum import Enum, auto\nclass Color(Enum):\n    RED = auto()\n",
        &["Enum"],
    );
    check(
        "PG519",
        "from enum import Enum, auto\nclass Color(Enum):\n    RED = auto()\n",
        &["auto()"],
    );
    check(
        "PG518",
        "import enum\nclass Status(enum.StrEnum):\n    DRAFT = 'draft'\n",
        &["enum.StrEnum"],
    );
    check(
        "PG518",
        "from enum import Enum\nclass Status(str, Enum):\n    DRAFT = 'draft'\n",
        &["(str, Enum)"],
    );
    check(
        "PG518",
        "from enum import Enum\nclass Status(Enum):\n    DRAFT = 'draft'\nclass S(str): pass\n",
        &[],
    );
    check(
        "PG520",
        "from typing import TypeVar\nT = TypeVar('T', bound=int)\n",
        &["TypeVar('T', bound=int)"],
    );
    check(
        "PG521",
        "from typing import Generic, TypeVar\nT = TypeVar('T')\nclass Box(Generic[T]): pass\n",
        &["Generic"],
    );
    check(
        "PG522",
        "import typing\nP = typing.ParamSpec('P')\n",
        &["typing.ParamSpec('P')"],
    );
    check(
        "PG523",
        "def first[T](xs: list[T]) -> T: ...\nclass Box[T: int, *Ts, **P]: pass\ntype Pair[T] = tuple[T, T]\n",
        &["[T]", "[T: int, *Ts, **P]", "[T]"],
    );
    check("PG523", "xs: list[int] = []\ntype Alias = list[int]\n", &[]);
}

#[test]
fn match_statements() {
    let src = "RED = 1\nmatch color:\n    case 0:\n        pass\n    case RED:\n        pass\n";
    check("PG524", src, &["match color"]);
    check("PG525", src, &["RED"]);
    check(
        "PG525",
        "from http import HTTPStatus\ndef f(resp):\n    match resp:\n        case [HTTPStatus, body]:\n            return body\n        case {'code': OK}:\n            pass\n        case Point(x=int):\n            pass\n",
        &["HTTPStatus", "int"],
    );
    check(
        "PG525",
        "class Color: pass\nmatch c:\n    case Color:\n        pass\n    case _:\n        pass\n",
        &["Color"],
    );
    // Value patterns, class patterns, wildcards and ordinary captures.
    check(
        "PG525",
        "import enum\nRED = 1\nmatch c:\n    case Color.RED | 2:\n        pass\n    case int() | str():\n        pass\n    case Point(x=0, y=y):\n        pass\n    case [first, *rest]:\n        pass\n    case _:\n        pass\n    case other:\n        pass\n",
        &[],
    );
    check("PG524", "match = 1\nmatch.group(0)\n", &[]);
    let doc = Document::parse(src);
    let capture = analyze(&doc)
        .into_iter()
        .find(|f| f.code() == "PG525")
        .unwrap();
    assert!(
        capture.message.contains("rebinds `RED`"),
        "{}",
        capture.message
    );
}

#[test]
fn logging_calls() {
    check(
        "PG810",
        "import logging\nlogger = logging.getLogger(__name__)\n",
        &["logging.getLogger(__name__)"],
    );
    check(
        "PG812",
        "import logging\nlogging.info('started')\n",
        &["logging.info('started')"],
    );
    check(
        "PG813",
        "import logging.config\nlogging.config.dictConfig(CONFIG)\n",
        &["logging.config.dictConfig(CONFIG)"],
    );
    check(
        "PG811",
        "import logging\nlogger = logging.getLogger(__name__)\nlogger.info(f'paid {order.id}')\n",
        &["f'paid {order.id}'"],
    );
    check(
        "PG811",
        "import logging\nlogging.warning('%s failed' % name)\nself.log.debug('{} x'.format(y))\naudit = logging.getLogger('audit')\naudit.log(logging.INFO, f'{a}')\n",
        &["'%s failed' % name", "'{} x'.format(y)", "f'{a}'"],
    );
    // Templates with arguments, constant f-strings, other objects, loguru.
    check(
        "PG811",
        "import logging, math\nlogger = logging.getLogger(__name__)\nlogger.info('paid %s', order.id)\nlogger.info(f'constant')\nmath.log(f'{x}')\nprinter.info(f'{x}')\n",
        &[],
    );
    check(
        "PG811",
        "from loguru import logger\nlogger.info(f'{x}')\n",
        &[],
    );
    assert_eq!(
        fixed(
            "PG811",
            "logger.info(f\"paid {order.id!r} at 5% {{ok}}\", extra=e)\n"
        ),
        "logger.info(\"paid %r at 5%% {ok}\", order.id, extra=e)\n"
    );
    assert_eq!(
        fixed("PG811", "log.error('%s: %d' % (name, n))\n"),
        "log.error('%s: %d', name, n)\n"
    );
    for no_fix in [
        "logger.info(f'{x:>3}')\n",
        "logger.info(f'{x=}')\n",
        "logger.info(f'{x} %s', y)\n",
        "logger.info('%s' % pair)\n",
    ] {
        let doc = Document::parse(no_fix);
        let f = analyze(&doc)
            .into_iter()
            .find(|f| f.code() == "PG811")
            .expect(no_fix);
        assert!(f.fix.is_none(), "{no_fix}");
    }
    let in_except = "import logging\nlogger = logging.getLogger(__name__)\ntry:\n    run()\nexcept OSError:\n    logger.error('failed')\n";
    check("PG814", in_except, &["logger.error('failed')"]);
    assert!(fixed("PG814", in_except).ends_with("    logger.exception('failed')\n"));
    check(
        "PG814",
        "try:\n    run()\nexcept OSError:\n    logger.error('failed', exc_info=True)\n    def later():\n        logger.error('x')\nlogger.error('outside')\n",
        &[],
    );
}

#[test]
fn pytest_apis() {
    check(
        "PG815",
        "import pytest\n@pytest.fixture(scope='module')\ndef db():\n    yield 1\n",
        &["pytest.fixture(scope='module')"],
    );
    check(
        "PG816",
        "import pytest\n@pytest.mark.parametrize('x', [1, 2])\ndef test_x(x): pass\n",
        &["pytest.mark.parametrize('x', [1, 2])"],
    );
    check(
        "PG815",
        "def fixture(f): return f\n@fixture\ndef db(): pass\n",
        &[],
    );
}
