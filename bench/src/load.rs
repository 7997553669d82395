//! Drives a scenario with a fixed number of concurrent clients for a fixed time, against the
//! server and the baseline in turn (A/B/A/B), validating every answer.
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::scenarios::{Scenario, State};
use crate::{Children, Plan, procfs};

/// One side's figures for a run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Figures {
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub cpu_us_per_req: f64,
    pub sql_per_req: f64,
    pub requests: u64,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub scenario: &'static str,
    pub server: Figures,
    pub baseline: Figures,
    pub peak_rss_kib: (u64, u64),
}

async fn statements(client: &reqwest::Client, url: String) -> u64 {
    let Ok(response) = client.get(url).send().await else {
        return 0;
    };
    let text = response.text().await.unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix("boomerang_sql_statements_total "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

/// Sends one request and checks the answer: HTTP 200, no `errors`, the expected root.
async fn send(
    client: &reqwest::Client,
    url: &str,
    scenario: Scenario,
    token: &str,
    body: &serde_json::Value,
) -> anyhow::Result<String> {
    let response = client
        .post(url)
        .bearer_auth(token)
        .json(body)
        .send()
        .await?;
    let status = response.status();
    let text = response.text().await?;
    anyhow::ensure!(
        status.is_success(),
        "{} answered {status}: {text}",
        scenario.name()
    );
    anyhow::ensure!(
        !text.contains("\"errors\""),
        "{} answered with errors: {text}",
        scenario.name()
    );
    anyhow::ensure!(
        text.starts_with(&format!("{{\"data\":{{\"{}\":", scenario.root())),
        "{} answered an unexpected shape: {text}",
        scenario.name()
    );
    Ok(text)
}

async fn run(
    children: &Children,
    server_side: bool,
    scenario: Scenario,
    state: &Arc<State>,
    plan: &Plan,
) -> anyhow::Result<Figures> {
    let (addr, pid, url) = if server_side {
        (
            children.server_addr,
            children.server.id(),
            format!("http://{}/graphql", children.server_addr),
        )
    } else {
        (
            children.baseline_addr,
            children.baseline.id(),
            format!("http://{}/{}", children.baseline_addr, scenario.name()),
        )
    };
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(plan.clients)
        .build()?;
    let metrics = format!("http://{addr}/metrics");
    let sql_before = statements(&client, metrics.clone()).await;
    let cpu_before = procfs::cpu_micros(pid);
    // A mutation run gets an equal share of the pool, so a fast side cannot use up the other
    // side's rows; a run that reaches its share stops early and its rate covers the time it ran.
    let share = state
        .pool(scenario)
        .map(|pool| pool / (2 * plan.rounds as u64).max(1));
    anyhow::ensure!(
        share != Some(0),
        "--pool is too small to give each of {} runs a row",
        2 * plan.rounds
    );
    let sent_so_far = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + plan.duration;
    let started = Instant::now();
    let workers = (0..plan.clients).map(|_| {
        let client = client.clone();
        let url = url.clone();
        let state = state.clone();
        let sent_so_far = sent_so_far.clone();
        tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                if share.is_some_and(|share| sent_so_far.fetch_add(1, Ordering::Relaxed) >= share) {
                    break;
                }
                let Some((token, body)) = state.request(scenario) else {
                    anyhow::bail!("the {} pool ran out; raise --pool", scenario.name());
                };
                let sent = Instant::now();
                send(&client, &url, scenario, &token, &body).await?;
                latencies.push(sent.elapsed());
            }
            anyhow::Ok(latencies)
        })
    });
    let mut latencies: Vec<Duration> = Vec::new();
    for worker in futures::future::join_all(workers).await {
        latencies.extend(worker.context("load worker")??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = procfs::cpu_micros(pid).saturating_sub(cpu_before);
    let sql = statements(&client, metrics)
        .await
        .saturating_sub(sql_before);
    latencies.sort();
    let n = latencies.len().max(1);
    let pct = |p: f64| {
        latencies
            .get(((n as f64 * p) as usize).min(n - 1))
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(0.0)
    };
    Ok(Figures {
        rps: latencies.len() as f64 / elapsed,
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        cpu_us_per_req: cpu as f64 / n as f64,
        sql_per_req: sql as f64 / n as f64,
        requests: latencies.len() as u64,
    })
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

fn median_figures(runs: &[Figures]) -> Figures {
    let m = |f: fn(&Figures) -> f64| median(runs.iter().map(f).collect());
    Figures {
        rps: m(|f| f.rps),
        p50_ms: m(|f| f.p50_ms),
        p99_ms: m(|f| f.p99_ms),
        cpu_us_per_req: m(|f| f.cpu_us_per_req),
        sql_per_req: m(|f| f.sql_per_req),
        requests: runs.iter().map(|f| f.requests).sum(),
    }
}

/// Checks that both sides answer the same bytes (reads), then alternates the runs.
pub async fn compare(
    children: &Children,
    scenario: Scenario,
    state: &Arc<State>,
    plan: &Plan,
) -> anyhow::Result<Row> {
    if !scenario.is_mutation() {
        let client = reqwest::Client::new();
        for _ in 0..3 {
            let (token, body) = state.request(scenario).context("a request")?;
            let server = send(
                &client,
                &format!("http://{}/graphql", children.server_addr),
                scenario,
                &token,
                &body,
            )
            .await?;
            let baseline = send(
                &client,
                &format!("http://{}/{}", children.baseline_addr, scenario.name()),
                scenario,
                &token,
                &body,
            )
            .await?;
            // async-graphql emits an object's fields in the order they finish resolving, so the
            // bytes may be ordered differently; the values and the lengths must be the same.
            let same = serde_json::from_str::<serde_json::Value>(&server)?
                == serde_json::from_str::<serde_json::Value>(&baseline)?;
            anyhow::ensure!(
                same && server.len() == baseline.len(),
                "{}: server and baseline differ:\n{server}\n{baseline}",
                scenario.name()
            );
        }
    }
    let (mut server, mut baseline) = (Vec::new(), Vec::new());
    for _ in 0..plan.rounds {
        server.push(run(children, true, scenario, state, plan).await?);
        baseline.push(run(children, false, scenario, state, plan).await?);
    }
    Ok(Row {
        scenario: scenario.name(),
        server: median_figures(&server),
        baseline: median_figures(&baseline),
        peak_rss_kib: (0, 0),
    })
}
