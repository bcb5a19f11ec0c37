//! Trust on real code: the shapes that made pyguide 0.1 cry wolf on real
//! Django and asyncio projects, each as a short table row written here (in
//! our own words, not copied from those projects), with the severity the
//! finding must have now; fix applicability; the suppressions of other
//! linters; migrations; and the project's Python / Django / Celery versions.

use pyguide::detect::{
    Applicability, Finding, ModelIndex, Options, Severity, Version, Versions, analyze_file,
    apply_fix,
};
use pyguide::python::Document;

/// The findings of `code` in `src` analysed with `options`, as (text,
/// severity).
fn found_with(code: &str, src: &str, options: &Options) -> Vec<(String, Severity)> {
    findings(code, src, options)
        .iter()
        .map(|f| (src[f.range.clone()].to_string(), f.severity()))
        .collect()
}

fn findings(code: &str, src: &str, options: &Options) -> Vec<Finding> {
    let doc = Document::parse(src);
    analyze_file(&doc, &ModelIndex::default(), options)
        .into_iter()
        .filter(|f| f.code() == code)
        .collect()
}

/// One row: `code` reports exactly `expect` in `src` (default options).
fn check(code: &str, src: &str, expect: &[(&str, Severity)]) {
    let got = found_with(code, src, &Options::default());
    let want: Vec<(String, Severity)> = expect.iter().map(|(t, s)| (t.to_string(), *s)).collect();
    assert_eq!(got, want, "{code} on:\n{src}");
}

const W: Severity = Severity::Warning;
const H: Severity = Severity::Hint;

fn with_python(major: u16, minor: u16) -> Options {
    Options {
        versions: Versions {
            python: Some(Version::new(major, minor)),
            ..Versions::default()
        },
        ..Options::default()
    }
}

fn with_django(major: u16, minor: u16) -> Options {
    Options {
        versions: Versions {
            django: Some(Version::new(major, minor)),
            ..Versions::default()
        },
        ..Options::default()
    }
}

/// The first `code` fix applied to `src` under `options`.
fn fixed_with(code: &str, src: &str, options: &Options) -> String {
    let f = findings(code, src, options)
        .into_iter()
        .next()
        .expect("a finding");
    apply_fix(src, f.fix.as_ref().expect("a fix"))
}

const CSRF: &str = "from django.views.decorators.csrf import csrf_exempt\nfrom django.contrib.auth.decorators import login_required\nfrom django.utils.decorators import method_decorator\nfrom django.views import View\n";

#[test]
fn csrf_exempt_warns_only_on_cookie_authenticated_views() {
    // A payment provider's webhook: verifies a signature, never sees a cookie.
    check(
        "PG704",
        &format!("{CSRF}@csrf_exempt\ndef payment_webhook(request):\n    verify(request)\n"),
        &[("csrf_exempt", H)],
    );
    // An identity provider POSTs its callback cross-site by protocol.
    check(
        "PG704",
        &format!(
            "{CSRF}@method_decorator(csrf_exempt, name='dispatch')\nclass AssertionConsumer(View):\n    def post(self, request): ...\n"
        ),
        &[("csrf_exempt", H)],
    );
    // Exempting the result of another view factory in urls.py.
    check(
        "PG704",
        &format!("{CSRF}urlpatterns = [path('add/', csrf_exempt(CartAdd.as_view()))]\n"),
        &[("csrf_exempt(CartAdd.as_view())", H)],
    );
    // Cookie-authenticated and exempt: forgeable.
    check(
        "PG704",
        &format!("{CSRF}@csrf_exempt\n@login_required\ndef settings_view(request): ...\n"),
        &[("csrf_exempt", W)],
    );
    check(
        "PG704",
        &format!(
            "{CSRF}@method_decorator(csrf_exempt, name='dispatch')\n@method_decorator(login_required, name='dispatch')\nclass ConfirmDevice(View):\n    def post(self, request): ...\n"
        ),
        &[("csrf_exempt", W)],
    );
    check(
        "PG704",
        &format!(
            "{CSRF}from django.contrib.auth.mixins import LoginRequiredMixin\nclass Profile(LoginRequiredMixin, View):\n    @method_decorator(csrf_exempt)\n    def dispatch(self, *a, **kw):\n        return super().dispatch(*a, **kw)\n"
        ),
        &[("csrf_exempt", W)],
    );
    check(
        "PG704",
        &format!(
            "{CSRF}from rest_framework.authentication import SessionAuthentication\nfrom rest_framework.views import APIView\n@method_decorator(csrf_exempt, name='dispatch')\nclass Orders(APIView):\n    authentication_classes = [SessionAuthentication]\n"
        ),
        &[("csrf_exempt", W)],
    );
    check(
        "PG704",
        &format!("{CSRF}urlpatterns = [path('x/', csrf_exempt(login_required(view)))]\n"),
        &[("csrf_exempt(login_required(view))", W)],
    );
}

const SAFE: &str = "from django.utils.safestring import mark_safe\nfrom django.utils.html import conditional_escape, escape\nfrom django.utils.translation import gettext as _\n";

#[test]
fn mark_safe_warns_only_when_data_is_formatted_into_html() {
    let warn = [
        "mark_safe('<a href=\"%s\">%s</a>' % (url, name))",
        "mark_safe(f'<span title=\"{title}\">x</span>')",
        "mark_safe('<b>' + _('New') + '</b>')",
        "mark_safe(_('<strong>{}</strong> left').format(count_text))",
        "mark_safe('<img src=\"{}\">'.format(src))",
    ];
    for w in warn {
        check(
            "PG705",
            &format!("{SAFE}def f(url, name, title, count_text, src):\n    return {w}\n"),
            &[(w, W)],
        );
    }
    // A template held in a local variable.
    let tpl = format!(
        "{SAFE}def help_text(link):\n    tpl = _('See <a href=\"{{}}\">the docs</a>')\n    return mark_safe(tpl.format(link))\n"
    );
    check("PG705", &tpl, &[("mark_safe(tpl.format(link))", W)]);
    // Already HTML, or nothing HTML-significant can come in: hints at most.
    let quiet = [
        ("mark_safe(render_markdown(text))", Some(H)),
        ("mark_safe(''.join(rendered_parts))", Some(H)),
        (
            "mark_safe(self.render_label() + self.render_field())",
            Some(H),
        ),
        ("mark_safe(number_format(amount, 2))", Some(H)),
        ("mark_safe(_('Saved'))", None),
        ("mark_safe(self.__html__())", None),
        ("mark_safe(f'<img{flatatt(attrs)}>')", Some(H)),
        ("mark_safe('<b>%s</b>' % escape(name))", None),
        ("mark_safe('<td>%d</td>' % 42)", Some(H)),
    ];
    for (q, sev) in quiet {
        let src = format!(
            "{SAFE}class W:\n    def html(self, text, amount, name, rendered_parts, attrs):\n        return {q}\n"
        );
        let expect: Vec<(&str, Severity)> = sev.map(|s| (q, s)).into_iter().collect();
        check("PG705", &src, &expect);
    }
    // The `needs_autoescape` filter pattern: every value goes through `esc`.
    let filter = format!(
        "{SAFE}def initial_letter(text, autoescape=True):\n    if autoescape:\n        esc = conditional_escape\n    else:\n        esc = lambda x: x\n    return mark_safe('<strong>%s</strong>%s' % (esc(text[0]), esc(text[1:])))\n"
    );
    let got = found_with("PG705", &filter, &Options::default());
    assert!(
        got.iter().all(|(_, s)| *s == H),
        "the esc alias escapes: {got:?}"
    );
}

#[test]
fn mark_safe_fix_is_unsafe_and_never_wraps_html_arguments() {
    let src = format!("{SAFE}def f(name):\n    return mark_safe(f'<p>{{name}}</p>')\n");
    let f = &findings("PG705", &src, &Options::default())[0];
    let fix = f.fix.as_ref().expect("a format_html fix");
    assert_eq!(fix.applicability, Applicability::Unsafe);
    // Merged into the existing `from django.utils.html import ...` line.
    assert_eq!(
        apply_fix(&src, fix),
        "from django.utils.safestring import mark_safe\nfrom django.utils.html import conditional_escape, escape, format_html\nfrom django.utils.translation import gettext as _\ndef f(name):\n    return format_html('<p>{}</p>', name)\n"
    );
    // An argument that is itself built HTML would be escaped: no fix.
    let html_arg = format!(
        "{SAFE}def f(sources, img_html):\n    return mark_safe(f'<picture>{{sources_html}}{{img_html}}</picture>')\n"
    );
    let f = &findings("PG705", &html_arg, &Options::default())[0];
    assert!(f.fix.is_none(), "no format_html over HTML fragments");
}

#[test]
fn wraps_only_for_wrappers_that_forward_to_the_function() {
    let check105 = |src: &str, expect: &[(&str, Severity)]| check("PG105", src, expect);
    // A view factory instantiating an adapter class inside the view.
    check105(
        "def adapter_view(cls, adapter):\n    def view(request, *args, **kwargs):\n        self = cls()\n        self.adapter = adapter(request)\n        return self.dispatch(request, *args, **kwargs)\n    return view\n",
        &[],
    );
    // A processor that dereferences a weak reference.
    check105(
        "def make_processor(weak_request):\n    def processor(event, hint):\n        request = weak_request()\n        if request is not None:\n            event['user'] = request.user\n        return event\n    return processor\n",
        &[],
    );
    // A hook factory instantiating classes in a comprehension.
    check105(
        "def items_hook(item_class):\n    def hook(request, items):\n        items.extend([item_class() for _ in range(2)])\n    return hook\n",
        &[],
    );
    // Wrappers: result returned, or all arguments forwarded.
    check105(
        "def timed(func):\n    def wrapper(*args, **kwargs):\n        start()\n        return func(*args, **kwargs)\n    return wrapper\n",
        &[("wrapper", W)],
    );
    check105(
        "def checked(view):\n    def inner(request, *args, **kwargs):\n        if not allowed(request):\n            raise PermissionDenied\n        response = view(request, *args, **kwargs)\n        return response\n    return inner\n",
        &[("inner", W)],
    );
    // A wrapper with its own docstring: a hint, no fix.
    let documented = "def chain(callback):\n    def handle(request):\n        \"\"\"Run the next hook.\"\"\"\n        return callback(request)\n    return handle\n";
    check105(documented, &[("handle", H)]);
    assert!(
        findings("PG105", documented, &Options::default())[0]
            .fix
            .is_none()
    );
    // The fix is unsafe (it changes __name__, __doc__, the signature) and
    // puts the import in order.
    let src = "import os\nimport sys\n\n\ndef timed(func):\n    def wrapper(*a):\n        return func(*a)\n    return wrapper\n";
    let f = &findings("PG105", src, &Options::default())[0];
    assert_eq!(f.fix.as_ref().unwrap().applicability, Applicability::Unsafe);
    assert!(
        fixed_with("PG105", src, &Options::default())
            .starts_with("import functools\nimport os\nimport sys\n")
    );
}

#[test]
fn eq_none_in_sqlalchemy_expressions_is_left_alone() {
    let sa = "from sqlalchemy import and_, or_, case, select\n";
    for quiet in [
        "cond = (User.name == None) & (User.age > 3)",
        "cond = ~(Table.c.deleted_at == None)",
        "expr = User.deleted_at == None",
        "def active():\n    return Account.closed_on == None",
        "stmt = select(T).where(or_(T.a == None, T.b == 1))",
        "price = case((Item.discount == None, Item.price), else_=Item.discount)",
        "filters = [Order.shipped == None]",
    ] {
        check("PG402", &format!("{sa}{quiet}\n"), &[]);
    }
    // Plain conditions in the same file are still plain Python.
    check(
        "PG402",
        &format!("{sa}def f(user):\n    if user == None:\n        return 1\n"),
        &[("user == None", W)],
    );
    // Bitwise operators build expressions in any library (pandas too).
    check("PG402", "mask = (df.a == None) | (df.b == 2)\n", &[]);
    // The fix is unsafe, as ruff's E711: `__eq__` may be overloaded.
    let f = &findings("PG402", "if x == None: pass\n", &Options::default())[0];
    assert_eq!(f.fix.as_ref().unwrap().applicability, Applicability::Unsafe);
    // `x is 1` → `x == 1` is safe.
    let f = &findings("PG401", "if x is 1: pass\n", &Options::default())[0];
    assert_eq!(f.fix.as_ref().unwrap().applicability, Applicability::Safe);
}

#[test]
fn other_linters_suppressions_are_honoured() {
    check("PG402", "if x == None:  # noqa: E711\n    pass\n", &[]);
    check("PG402", "if x == None:  # noqa\n    pass\n", &[]);
    check(
        "PG402",
        "if x == None:  # noqa: E501\n    pass\n",
        &[("x == None", W)],
    );
    check("PG401", "if x is 1:  # noqa: F632\n    pass\n", &[]);
    check("PG101", "def f(a=[]):  # noqa: B006\n    return a\n", &[]);
    check(
        "PG705",
        "from django.utils.safestring import mark_safe\ndef f(n):\n    return mark_safe(f'<b>{n}</b>')  # noqa: S308\n",
        &[],
    );
    check(
        "PG705",
        "from django.utils.safestring import mark_safe\ndef f(n):\n    return mark_safe(f'<b>{n}</b>')  # ruff: ignore[suspicious-mark-safe-usage]\n",
        &[],
    );
    check(
        "PG203",
        "import asyncio\nasync def f():\n    asyncio.create_task(job())  # noqa: RUF006\n",
        &[],
    );
    check(
        "PG206",
        "import time\nasync def f():\n    time.sleep(1)  # noqa: ASYNC251\n",
        &[],
    );
    check(
        "PG118",
        "import functools\nclass A:\n    @functools.lru_cache  # noqa: B019\n    def m(self): ...\n",
        &[],
    );
}

#[test]
fn findings_in_migrations_are_hints() {
    let src = "def forwards(apps, schema_editor):\n    if apps == None:\n        return\n";
    let migration = Options::for_path("shop/migrations/0042_backfill.py", Versions::default());
    assert_eq!(
        found_with("PG402", src, &migration),
        [("apps == None".to_string(), H)]
    );
    let module = Options::for_path("shop/views.py", Versions::default());
    assert_eq!(
        found_with("PG402", src, &module),
        [("apps == None".to_string(), W)]
    );
}

#[test]
fn fixes_fit_the_projects_python() {
    let src = "def add(item, seen: dict = {}):\n    seen[item] = 1\n    return seen\n";
    assert_eq!(
        fixed_with("PG101", src, &with_python(3, 9)),
        "from typing import Optional\ndef add(item, seen: Optional[dict] = None):\n    if seen is None:\n        seen = {}\n    seen[item] = 1\n    return seen\n"
    );
    assert_eq!(
        fixed_with("PG101", src, &with_python(3, 12)),
        "def add(item, seen: dict | None = None):\n    if seen is None:\n        seen = {}\n    seen[item] = 1\n    return seen\n"
    );
    // Postponed annotations are never evaluated: `|` is fine on 3.9.
    let future = format!("from __future__ import annotations\n{src}");
    assert!(fixed_with("PG101", &future, &with_python(3, 9)).contains("seen: dict | None = None"));
    // An existing `from typing import ...` line gets the name.
    let typed = format!("from typing import Any\n\n{src}");
    assert!(fixed_with("PG101", &typed, &with_python(3, 9)).starts_with(
        "from typing import Any, Optional\n\ndef add(item, seen: Optional[dict] = None):"
    ));
    // TaskGroup is only suggested where it exists (3.11+).
    let loop_ = "import asyncio\nasync def f(urls):\n    for u in urls:\n        await fetch(u)\n";
    let msg = |o: &Options| findings("PG205", loop_, o)[0].message.clone();
    assert!(msg(&with_python(3, 12)).contains("TaskGroup"));
    assert!(!msg(&with_python(3, 9)).contains("TaskGroup"));
}

#[test]
fn async_orm_fixes_fit_the_projects_django() {
    let src = "from django.db import models\nclass Post(models.Model):\n    title = models.CharField(max_length=9)\n\nasync def view(pk):\n    return Post.objects.get(pk=pk)\n";
    let new = findings("PG621", src, &with_django(5, 2));
    assert!(new[0].fix.is_some() && new[0].message.contains("Django 5.2"));
    assert!(
        fixed_with("PG621", src, &with_django(5, 2)).contains("await Post.objects.aget(pk=pk)")
    );
    let old = findings("PG621", src, &with_django(4, 0));
    assert!(old[0].fix.is_none(), "no aget() before Django 4.1");
    assert!(old[0].message.contains("sync_to_async") && old[0].message.contains("Django 4.0"));
    // Unknown: the oldest supported release is assumed, and said.
    let unknown = findings("PG621", src, &Options::default());
    assert!(
        unknown[0].message.contains("assumed"),
        "{}",
        unknown[0].message
    );
}

#[test]
fn dropped_tasks_on_an_event_loop() {
    check(
        "PG203",
        "import asyncio\nasync def main():\n    loop = asyncio.get_running_loop()\n    loop.create_task(job())\n",
        &[("loop.create_task(job())", W)],
    );
    check(
        "PG203",
        "import asyncio\nasyncio.get_event_loop().create_task(job())\n",
        &[("asyncio.get_event_loop().create_task(job())", W)],
    );
    check(
        "PG203",
        "import asyncio\nasync def main(self):\n    self.loop.create_task(job())\n    task = asyncio.ensure_future(job())\n",
        &[],
    );
    check(
        "PG203",
        "import asyncio\nasync def main():\n    asyncio.ensure_future(job())\n",
        &[("asyncio.ensure_future(job())", W)],
    );
}

#[test]
fn blocking_calls_as_broad_as_flake8_async() {
    let rows: &[(&str, &str, &str)] = &[
        ("PG209", "import shutil", "shutil.copyfile(a, b)"),
        ("PG209", "import os", "os.remove(path)"),
        ("PG209", "import os", "os.makedirs(path, exist_ok=True)"),
        ("PG209", "from pathlib import Path", "Path(p).read_text()"),
        ("PG209", "import io", "io.open(p)"),
        ("PG209", "import os", "input('name? ')"),
        ("PG207", "import httpx", "httpx.Client()"),
        ("PG207", "import socket", "socket.getaddrinfo(host, 80)"),
        ("PG207", "import urllib3", "urllib3.request('GET', url)"),
        ("PG208", "import subprocess", "subprocess.Popen(['ls'])"),
        ("PG208", "import os", "os.popen('ls')"),
    ];
    for (code, import, call) in rows {
        check(
            code,
            &format!("{import}\nasync def handler(a, b, p, path, host, url):\n    x = {call}\n"),
            &[(call, W)],
        );
        // Not in async code, or moved to a thread: fine.
        check(
            code,
            &format!("{import}\ndef handler(a, b, p, path, host, url):\n    x = {call}\n"),
            &[],
        );
        check(
            code,
            &format!(
                "{import}\nimport asyncio\nasync def handler(a, b, p, path, host, url):\n    x = await asyncio.to_thread(lambda: {call})\n"
            ),
            &[],
        );
    }
    // A path held in a variable; a method of some other object is not a Path.
    check(
        "PG209",
        "from pathlib import Path\nasync def save(data):\n    target = Path('out') / 'x.json'\n    target.write_text(data)\n",
        &[("target.write_text(data)", W)],
    );
    check(
        "PG209",
        "async def save(doc, data):\n    doc.write_text(data)\n",
        &[],
    );
}

/// The suppression table of `src/detect/README.md` is generated from
/// `OTHER_LINTERS` (`UPDATE_RULES_README=1 cargo test --test trust`).
#[test]
fn rules_readme_lists_other_linters_codes() {
    use pyguide::detect::OTHER_LINTERS;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/detect/README.md");
    let mut table = String::from("| their code or rule name | pyguide rule |\n|---|---|\n");
    for (theirs, ours) in OTHER_LINTERS {
        table.push_str(&format!("| `{theirs}` | {ours} |\n"));
    }
    let current = std::fs::read_to_string(path).unwrap_or_default();
    let (head, tail) = match (
        current.find("<!-- noqa:start -->"),
        current.find("<!-- noqa:end -->"),
    ) {
        (Some(a), Some(b)) => (current[..a].to_string(), current[b..].to_string()),
        _ => panic!("{path} lacks the <!-- noqa:start/end --> markers"),
    };
    let wanted = format!("{head}<!-- noqa:start -->\n{table}{tail}");
    if std::env::var_os("UPDATE_RULES_README").is_some() {
        std::fs::write(path, &wanted).unwrap();
    } else {
        assert_eq!(
            current, wanted,
            "src/detect/README.md is out of date: run UPDATE_RULES_README=1 cargo test --test trust"
        );
    }
}

#[test]
fn typed_star_parameters_count_as_parameters() {
    // `adapter(request)` passes on one of three parameters: not a wrapper.
    check(
        "PG105",
        "class V:\n    @classmethod\n    def adapter_view(cls, adapter):\n        def view(request: Req, *args: Any, **kwargs: Any):\n            self = cls()\n            self.adapter = adapter(request)\n            return self.dispatch(request, *args, **kwargs)\n        return view\n",
        &[],
    );
}

#[test]
fn a_path_rebuilt_from_itself_ends() {
    // `p = p / "x"` refers to itself: followed a bounded number of times.
    check(
        "PG209",
        "from pathlib import Path\nasync def f(p):\n    p = p / 'x'\n    p = p / 'y'\n    p.read_text()\n",
        &[],
    );
    check(
        "PG209",
        "from pathlib import Path\nasync def f():\n    p = Path('a')\n    q = p / 'x'\n    q.read_text()\n",
        &[("q.read_text()", W)],
    );
}

#[test]
fn recall_kept_for_real_shapes() {
    // A translated label joined to a formatted HTML badge.
    let badge = format!(
        "{SAFE}def label():\n    return mark_safe(_('Wallets') + ' ' + '<span class=\"badge\">{{}}</span>'.format(_('beta')))\n"
    );
    let got = found_with("PG705", &badge, &Options::default());
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].1, W);
    // A memoizing decorator whose wrapper takes no arguments and calls
    // the function with none.
    check(
        "PG105",
        "def lazy(fn):\n    cache = []\n    def load():\n        if not cache:\n            cache.append(fn())\n        return cache[0]\n    return load\n",
        &[("load", W)],
    );
    // ... but a wrapper that calls it with values of its own is not one.
    check(
        "PG105",
        "def on_ready(callback):\n    def fire():\n        callback(42)\n    return fire\n",
        &[],
    );
}
