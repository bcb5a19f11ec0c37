//! Search benchmarks: index build, query latency and the persisted cache.
//!
//! `cargo bench --bench search` first prints a percentile report (p50/p99 over
//! many runs, which criterion does not give), then runs the criterion groups.
//! `-- --report-only` stops after the report; `-- --report-only --shipped-only`
//! reports on the shipped guide alone (seconds instead of minutes). Latency
//! is given as wall time and as the thread's CPU time: on a shared, loaded
//! machine only the CPU figure measures the query rather than the scheduler.
//! For a profiler, `PROFILE_QUERIES=N` (optionally `PROFILE_QUERY=text`, one
//! of [`QUERIES`]) runs only the queries, N rounds, and exits:
//! `PROFILE_QUERIES=3000 perf record target/release/deps/search-<hash>`.
//! The 50,000-topic guide is generated from the shipped guide's own vocabulary
//! so term statistics look like real prose.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::Criterion;
use pyguide::guide::{self, FieldLines, Guide, Origin, Reference, Topic};
use pyguide::search::{IndexOptions, SearchIndex, cache_key};

const QUERIES: &[&str] = &[
    "n+1 queries",
    "select_related",
    "diamond problem",
    "too many queries in a loop",
    "asyncio gather return_exceptions",
    "prefetch_relatd",
    "decoratr",
    "middlew",
    "identity vs equality",
    "how do python threads and the gil interact",
];
const LARGE: usize = 50_000;

fn builtin() -> Arc<Guide> {
    Arc::new(guide::load_builtin().guide)
}

/// A deterministic xorshift generator (no dependency, same guide every run).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, words: &'a [String]) -> &'a str {
        &words[(self.next() % words.len() as u64) as usize]
    }
    fn sentence(&mut self, words: &[String], n: usize) -> String {
        (0..n)
            .map(|_| self.pick(words))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// `n` topics whose words are drawn from the shipped guide's vocabulary.
fn generated_guide(n: usize) -> Arc<Guide> {
    let base = builtin();
    let mut vocab: Vec<String> = base
        .topics()
        .iter()
        .flat_map(|t| pyguide::text::words(&t.body))
        .filter(|w| w.len() > 2)
        .collect();
    vocab.sort();
    vocab.dedup();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let topics = (0..n)
        .map(|i| Topic {
            id: format!("generated-{i}"),
            title: rng.sentence(&vocab, 5),
            module: format!("module-{}", i % 40),
            question: format!("{}?", rng.sentence(&vocab, 9)),
            summary: rng.sentence(&vocab, 30),
            asked: (0..4).map(|_| rng.sentence(&vocab, 6)).collect(),
            aliases: (0..4).map(|_| rng.sentence(&vocab, 2)).collect(),
            tags: (0..3).map(|_| rng.pick(&vocab).to_string()).collect(),
            triggers: vec![],
            related: vec![],
            references: vec![Reference { title: "Python".into(), url: "https://docs.python.org/3/".into() }],
            versions: None,
            key_points: vec![],
            cards: vec![],
            body: format!(
                "## Answer\n\n{}\n\n## Example\n\n### Bad\n\n```python\n{} = {}({})\n```\n\n## Pitfalls\n\n- {}\n",
                rng.sentence(&vocab, 120),
                rng.pick(&vocab),
                rng.pick(&vocab),
                rng.pick(&vocab),
                rng.sentence(&vocab, 15)
            ),
            path: format!("generated/{i}.md"),
            origin: Origin::User,
            lines: FieldLines::default(),
        })
        .collect();
    Arc::new(Guide::from_validated(topics))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn fmt(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

/// CPU time this thread has used: immune to the preemption that makes wall
/// percentiles on a shared, loaded machine measure the machine, not the query.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Single-query latencies: wall and thread CPU time, overall and per query.
struct Latencies {
    wall: Vec<Duration>,
    cpu: Vec<Duration>,
    /// (query, CPU p50, CPU p99), slowest p99 first.
    per_query: Vec<(&'static str, Duration, Duration)>,
}

impl Latencies {
    fn line(&self) -> String {
        format!(
            "wall p50 {}, p99 {}, max {}; CPU p50 {}, p99 {}, max {}",
            fmt(percentile(&self.wall, 0.5)),
            fmt(percentile(&self.wall, 0.99)),
            fmt(*self.wall.last().unwrap()),
            fmt(percentile(&self.cpu, 0.5)),
            fmt(percentile(&self.cpu, 0.99)),
            fmt(*self.cpu.last().unwrap()),
        )
    }
}

/// Runs every query `rounds` times (after one warm-up round).
fn latencies(index: &SearchIndex, rounds: usize) -> Latencies {
    for q in QUERIES {
        black_box(index.search(q, 10).unwrap());
    }
    let mut wall = Vec::with_capacity(rounds * QUERIES.len());
    let mut cpu = Vec::with_capacity(rounds * QUERIES.len());
    let mut per: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); QUERIES.len()];
    for _ in 0..rounds {
        for (i, q) in QUERIES.iter().enumerate() {
            let (c0, w0) = (thread_cpu(), Instant::now());
            black_box(index.search(q, 10).unwrap());
            let (w, c) = (w0.elapsed(), thread_cpu() - c0);
            wall.push(w);
            cpu.push(c);
            per[i].push(c);
        }
    }
    wall.sort();
    cpu.sort();
    let mut per_query: Vec<_> = QUERIES
        .iter()
        .zip(per)
        .map(|(q, mut v)| {
            v.sort();
            (*q, percentile(&v, 0.5), percentile(&v, 0.99))
        })
        .collect();
    per_query.sort_by_key(|q| std::cmp::Reverse(q.2));
    Latencies {
        wall,
        cpu,
        per_query,
    }
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let v = f();
    (v, start.elapsed())
}

fn report(shipped_only: bool) {
    println!("== pyguide search report ==");
    let guide = builtin();
    let mut builds: Vec<Duration> = (0..50)
        .map(|_| time(|| SearchIndex::build(guide.clone()).unwrap()).1)
        .collect();
    builds.sort();
    println!(
        "shipped guide ({} topics): in-memory build p50 {}, max {}",
        guide.len(),
        fmt(percentile(&builds, 0.5)),
        fmt(*builds.last().unwrap())
    );
    let index = SearchIndex::build(guide).unwrap();
    let lat = latencies(&index, 500);
    println!(
        "shipped guide: query {} ({} queries x 500)",
        lat.line(),
        QUERIES.len()
    );
    for (q, p50, p99) in lat.per_query.iter().take(3) {
        println!("  slowest: {q:?} CPU p50 {}, p99 {}", fmt(*p50), fmt(*p99));
    }

    if shipped_only {
        return;
    }
    let (large, gen_time) = time(|| generated_guide(LARGE));
    println!("generated guide: {LARGE} topics in {}", fmt(gen_time));
    let (_, ram_build) = time(|| SearchIndex::build(large.clone()).unwrap());
    println!("generated guide: in-memory build {}", fmt(ram_build));
    let cache = tempfile::tempdir().unwrap();
    let options = IndexOptions {
        cache_dir: Some(cache.path().to_path_buf()),
        persist_threshold: 1000,
    };
    let (first, disk_build) = time(|| SearchIndex::open(large.clone(), &options).unwrap());
    assert!(!first.from_cache());
    drop(first);
    println!(
        "generated guide: first start, build + persist {}",
        fmt(disk_build)
    );
    let (_, hash) = time(|| black_box(cache_key(large.topics())));
    let mut reopens: Vec<Duration> = (0..20)
        .map(|_| {
            let (index, d) = time(|| SearchIndex::open(large.clone(), &options).unwrap());
            assert!(index.from_cache());
            d
        })
        .collect();
    reopens.sort();
    println!(
        "generated guide: cached re-open p50 {}, max {} (of which content hash {})",
        fmt(percentile(&reopens, 0.5)),
        fmt(*reopens.last().unwrap()),
        fmt(hash)
    );
    let reopened = SearchIndex::open(large, &options).unwrap();
    let lat = latencies(&reopened, 50);
    println!(
        "generated guide: query {} ({} queries x 50)",
        lat.line(),
        QUERIES.len()
    );
    println!();
}

fn benches(c: &mut Criterion) {
    let guide = builtin();
    c.bench_function("build/shipped", |b| {
        b.iter(|| SearchIndex::build(guide.clone()).unwrap())
    });
    let index = SearchIndex::build(guide).unwrap();
    let mut group = c.benchmark_group("query/shipped");
    for q in QUERIES {
        group.bench_function(*q, |b| b.iter(|| index.search(black_box(q), 10).unwrap()));
    }
    group.finish();

    let large = generated_guide(LARGE);
    let cache = tempfile::tempdir().unwrap();
    let options = IndexOptions {
        cache_dir: Some(cache.path().to_path_buf()),
        persist_threshold: 1000,
    };
    drop(SearchIndex::open(large.clone(), &options).unwrap());
    let mut group = c.benchmark_group("large");
    group.sample_size(20);
    group.bench_function("reopen-cached", |b| {
        b.iter(|| SearchIndex::open(large.clone(), &options).unwrap())
    });
    let index = SearchIndex::open(large.clone(), &options).unwrap();
    for q in ["select_related", "decoratr", "too many queries in a loop"] {
        group.bench_function(format!("query/{q}"), |b| {
            b.iter(|| index.search(black_box(q), 10).unwrap())
        });
    }
    group.finish();
}

fn main() {
    if let Ok(n) = std::env::var("PROFILE_QUERIES") {
        let index = SearchIndex::build(builtin()).unwrap();
        let only = std::env::var("PROFILE_QUERY").ok();
        for _ in 0..n.parse::<usize>().unwrap() {
            for q in QUERIES {
                if only.as_ref().is_none_or(|p| p == q) {
                    black_box(index.search(q, 10).unwrap());
                }
            }
        }
        return;
    }
    let quick = std::env::args().any(|a| a == "--report-only");
    report(std::env::args().any(|a| a == "--shipped-only"));
    if quick {
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();
}
