//! The BENCHMARKS.md table.
use std::fmt::Write as _;

use crate::load::Row;

/// Everything after this line in BENCHMARKS.md is written by hand and kept by new runs.
pub const ANALYSIS: &str = "<!-- analysis: kept across runs -->";

pub struct Section {
    pub backend: String,
    pub scale: i64,
    /// What was seeded.
    pub data: String,
    pub rows: Vec<Row>,
    pub growth: Vec<(i64, Row)>,
}

fn machine() -> String {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .next()
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string())
        })
        .and_then(|kib| kib.parse::<u64>().ok())
        .map(|kib| format!("{:.1} GiB", kib as f64 / 1024.0 / 1024.0))
        .unwrap_or_default();
    format!("{cores} cores, {memory} memory")
}

fn ratio(a: f64, b: f64) -> String {
    if b > 0.0 {
        format!("{:.2}×", a / b)
    } else {
        "–".into()
    }
}

pub fn render(sections: &[Section], command: &str, smoke: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Measured {} on {}",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        machine()
    );
    let _ = writeln!(
        out,
        "\nCommand: `{command}`{}\n",
        if smoke {
            " (smoke mode: figures are meaningless)"
        } else {
            ""
        }
    );
    for section in sections {
        let _ = writeln!(
            out,
            "### {} — scale {}\n\nData: {}.\n",
            section.backend, section.scale, section.data
        );
        let _ = writeln!(
            out,
            "| scenario | req/s server | req/s baseline | ratio | p50 ms (s / b) | p99 ms (s / b) | CPU µs/req (s / b) | CPU ratio | SQL/req (s / b) | peak RSS MiB (s / b) |"
        );
        let _ = writeln!(
            out,
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        );
        for row in &section.rows {
            let (s, b) = (&row.server, &row.baseline);
            let _ = writeln!(
                out,
                "| {} | {:.0} | {:.0} | {} | {:.2} / {:.2} | {:.2} / {:.2} | {:.0} / {:.0} | {} | {:.1} / {:.1} | {:.0} / {:.0} |",
                row.scenario,
                s.rps,
                b.rps,
                ratio(s.rps, b.rps),
                s.p50_ms,
                b.p50_ms,
                s.p99_ms,
                b.p99_ms,
                s.cpu_us_per_req,
                b.cpu_us_per_req,
                ratio(s.cpu_us_per_req, b.cpu_us_per_req),
                s.sql_per_req,
                b.sql_per_req,
                row.peak_rss_kib.0 as f64 / 1024.0,
                row.peak_rss_kib.1 as f64 / 1024.0,
            );
        }
        if !section.growth.is_empty() {
            let _ = writeln!(out, "\nGrowth of the list scenarios (server):\n");
            let _ = writeln!(
                out,
                "| scenario | scale | p50 ms | CPU µs/req | SQL/req | p50 vs scale {0} | CPU vs scale {0} |",
                section.scale
            );
            let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
            for (scale, row) in &section.growth {
                let base = section.rows.iter().find(|r| r.scenario == row.scenario);
                let (p50, cpu) = base
                    .map(|b| {
                        (
                            ratio(row.server.p50_ms, b.server.p50_ms),
                            ratio(row.server.cpu_us_per_req, b.server.cpu_us_per_req),
                        )
                    })
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "| {} | {} | {:.2} | {:.0} | {:.1} | {} | {} |",
                    row.scenario,
                    scale,
                    row.server.p50_ms,
                    row.server.cpu_us_per_req,
                    row.server.sql_per_req,
                    p50,
                    cpu
                );
            }
        }
        let _ = writeln!(out);
    }
    out
}
