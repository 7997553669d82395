//! Measures Boomerang against a hand-written baseline over the same database, scenario by
//! scenario, alternating server and baseline runs, and writes the table to BENCHMARKS.md.
//! Run: `cargo run --release -p bench -- run` (see `--help`).
mod baseline;
mod load;
mod procfs;
mod report;
mod scenarios;
mod seed;

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use sea_orm::{ConnectionTrait, Database};

#[derive(Parser)]
#[command(about = "Boomerang benchmark: the GraphQL server against a hand-written baseline")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Subcommand)]
enum Cmd {
    /// Seed, start both servers, measure every scenario, write the report.
    Run {
        #[arg(long, value_enum, num_args = 1.., default_values_t = [Backend::Sqlite, Backend::Postgres])]
        databases: Vec<Backend>,
        #[arg(long, default_value_t = 1)]
        scale: i64,
        /// Extra scales for the growth of the list scenarios, e.g. `--growth 10 100`.
        #[arg(long, num_args = 0..)]
        growth: Vec<i64>,
        #[arg(long, default_value_t = 8)]
        clients: usize,
        #[arg(long, default_value_t = 5)]
        seconds: u64,
        /// Server/baseline pairs per scenario; the report takes the median.
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        /// Fresh projects and bidders for the mutation scenarios; each run gets an equal share.
        #[arg(long, default_value_t = 50_000)]
        pool: i64,
        /// A few seconds in all, to show the benchmark still works (CI runs this).
        #[arg(long)]
        smoke: bool,
        #[arg(long, default_value = "BENCHMARKS.md")]
        out: String,
        /// PostgreSQL server whose user may create databases.
        #[arg(
            long,
            env = "BENCH_POSTGRES_URL",
            default_value = "postgres://postgres@127.0.0.1:5432/postgres"
        )]
        postgres: String,
    },
    /// Internal: the GraphQL server, in its own process so its CPU can be read alone.
    Server {
        database_url: String,
        listen: SocketAddr,
    },
    /// Internal: the baseline, in its own process.
    Baseline {
        database_url: String,
        listen: SocketAddr,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Runtime::new().context("starting tokio")?;
    match cli.command {
        Cmd::Server {
            database_url,
            listen,
        } => runtime.block_on(async {
            let mut config = boomerang::Config::for_database(database_url);
            config.listen = listen;
            config.worker = false;
            boomerang::App::build(&config).await?.run().await
        }),
        Cmd::Baseline {
            database_url,
            listen,
        } => runtime.block_on(async {
            let db = boomerang::db::connect(&database_url, 10).await?;
            let listener = tokio::net::TcpListener::bind(listen).await?;
            axum::serve(listener, baseline::Baseline::new(db).router())
                .await
                .context("serving the baseline")
        }),
        Cmd::Run {
            databases,
            scale,
            growth,
            clients,
            seconds,
            rounds,
            pool,
            smoke,
            out,
            postgres,
        } => {
            let plan = if smoke {
                Plan {
                    scale: 1,
                    growth: vec![],
                    clients: 2,
                    duration: Duration::from_millis(700),
                    rounds: 1,
                    pool: 300,
                }
            } else {
                Plan {
                    scale,
                    growth,
                    clients,
                    duration: Duration::from_secs(seconds),
                    rounds,
                    pool,
                }
            };
            let mut sections = Vec::new();
            for backend in databases {
                sections.push(runtime.block_on(measure_backend(backend, &plan, &postgres))?);
            }
            let command = std::env::args().collect::<Vec<_>>().join(" ");
            let text = report::render(&sections, &command, smoke);
            if smoke {
                println!("{text}");
            } else {
                // Keep the hand-written analysis below the marker across runs.
                let analysis = std::fs::read_to_string(&out)
                    .ok()
                    .and_then(|old| old.find(report::ANALYSIS).map(|at| old[at..].to_string()))
                    .unwrap_or_else(|| format!("{}\n", report::ANALYSIS));
                std::fs::write(&out, format!("# Benchmarks\n\n{text}\n{analysis}"))
                    .with_context(|| format!("writing {out}"))?;
                println!("{text}\nwritten to {out}");
            }
            Ok(())
        }
    }
}

pub struct Plan {
    scale: i64,
    growth: Vec<i64>,
    clients: usize,
    duration: Duration,
    rounds: usize,
    pool: i64,
}

/// A database made for one measurement, dropped afterwards.
struct BenchDb {
    url: String,
    drop: Option<(String, String)>,
    _dir: Option<tempdir::Dir>,
}

mod tempdir {
    pub struct Dir(pub std::path::PathBuf);
    impl Drop for Dir {
        fn drop(&mut self) {
            std::fs::remove_dir_all(&self.0).ok();
        }
    }
}

async fn create_db(backend: Backend, postgres: &str) -> anyhow::Result<BenchDb> {
    let name = format!("boomerang_bench_{}", uuid::Uuid::new_v4().simple());
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(&name);
            std::fs::create_dir_all(&dir)?;
            let url = format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
            Ok(BenchDb {
                url,
                drop: None,
                _dir: Some(tempdir::Dir(dir)),
            })
        }
        Backend::Postgres => {
            let admin = Database::connect(postgres)
                .await
                .context("connecting to PostgreSQL (set BENCH_POSTGRES_URL)")?;
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await?;
            admin.close().await.ok();
            // The same server and options (`?sslmode=…`), another database.
            let (base, options) = postgres.split_once('?').unwrap_or((postgres, ""));
            let server = base.rsplit_once('/').map(|(s, _)| s).unwrap_or(base);
            let options = if options.is_empty() {
                String::new()
            } else {
                format!("?{options}")
            };
            Ok(BenchDb {
                url: format!("{server}/{name}{options}"),
                drop: Some((postgres.to_string(), name)),
                _dir: None,
            })
        }
    }
}

async fn drop_db(db: BenchDb) -> anyhow::Result<()> {
    if let Some((admin, name)) = &db.drop {
        let admin = Database::connect(admin).await?;
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .await?;
    }
    Ok(())
}

struct Children {
    server: Child,
    baseline: Child,
    server_addr: SocketAddr,
    baseline_addr: SocketAddr,
}

impl Drop for Children {
    fn drop(&mut self) {
        self.server.kill().ok();
        self.baseline.kill().ok();
        self.server.wait().ok();
        self.baseline.wait().ok();
    }
}

fn free_port() -> anyhow::Result<SocketAddr> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?)
}

async fn start_children(url: &str) -> anyhow::Result<Children> {
    let exe = std::env::current_exe()?;
    let spawn = |kind: &str, addr: SocketAddr| {
        Command::new(&exe)
            .args([kind, url, &addr.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
    };
    let server_addr = free_port()?;
    let baseline_addr = free_port()?;
    let children = Children {
        server: spawn("server", server_addr)?,
        baseline: spawn("baseline", baseline_addr)?,
        server_addr,
        baseline_addr,
    };
    let client = reqwest::Client::new();
    for (addr, path) in [(server_addr, "/healthz"), (baseline_addr, "/metrics")] {
        let mut up = false;
        for _ in 0..300 {
            if client
                .get(format!("http://{addr}{path}"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                up = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anyhow::ensure!(up, "{addr} did not come up");
    }
    Ok(children)
}

async fn measure_backend(
    backend: Backend,
    plan: &Plan,
    postgres: &str,
) -> anyhow::Result<report::Section> {
    let mut section = report::Section {
        backend: format!("{backend:?}"),
        scale: plan.scale,
        data: String::new(),
        rows: Vec::new(),
        growth: Vec::new(),
    };
    let mut scales = vec![plan.scale];
    scales.extend(plan.growth.iter().copied().filter(|s| *s != plan.scale));
    for (i, scale) in scales.into_iter().enumerate() {
        let db = create_db(backend, postgres).await?;
        let conn = boomerang::db::connect(&db.url, 4).await?;
        boomerang::db::migrate(&conn).await?;
        let started = std::time::Instant::now();
        let seeded = seed::seed(&conn, scale, if i == 0 { plan.pool } else { 0 }).await?;
        conn.close().await.ok();
        eprintln!(
            "{backend:?} scale {scale}: seeded {} in {:.1?}",
            seeded.summary(),
            started.elapsed()
        );
        if i == 0 {
            section.data = seeded.summary();
        }
        let children = start_children(&db.url).await?;
        let which: &[scenarios::Scenario] = if i == 0 {
            &scenarios::ALL
        } else {
            &[
                scenarios::Scenario::CompanyDashboard,
                scenarios::Scenario::FinanceQueue,
            ]
        };
        let state = std::sync::Arc::new(scenarios::State::new(seeded));
        for scenario in which {
            let row = load::compare(&children, *scenario, &state, plan).await?;
            eprintln!("  {row:?}");
            if i == 0 {
                section.rows.push(row);
            } else {
                section.growth.push((scale, row));
            }
        }
        let rss = (
            procfs::peak_rss_kib(children.server.id()),
            procfs::peak_rss_kib(children.baseline.id()),
        );
        if i == 0 {
            for row in &mut section.rows {
                row.peak_rss_kib = rss;
            }
        }
        drop(children);
        drop_db(db).await?;
    }
    Ok(section)
}
