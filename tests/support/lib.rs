//! The integration-test harness: a fresh database per test (a temporary SQLite file, or a
//! PostgreSQL database created and dropped when `DATABASE_URL` names a PostgreSQL server),
//! the real server on `127.0.0.1:0`, and a small GraphQL client.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod flow;
pub mod smtp_mock;
pub mod stripe_mock;

use std::time::Duration;

use boomerang::config::Secret;
use boomerang::mail::worker::MailWorker;
use boomerang::{App, Config};
use std::sync::Arc;

use boomerang::payments::flows::Stripe;
use boomerang::payments::worker::{self, CrashPoint};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use smtp_mock::SmtpMock;

/// Part of the subject of the verification mail.
pub const VERIFY_MAIL: &str = "Confirm your email";
/// Part of the subject of the password-reset mail.
pub const RESET_MAIL: &str = "Reset your Boomerang password";

/// PostgreSQL test databases are named `boomerang_test_<unix seconds>_<uuid>`, so a leftover's
/// age can be read from its name.
pub const TEST_DATABASE_PREFIX: &str = "boomerang_test_";
/// Test databases older than this are leftovers of a run killed before it could clean up.
pub const LEFTOVER_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// One test's database. On PostgreSQL it is dropped on `drop_database`, or on `Drop` when a
/// test panics (or forgets to finish); the SQLite file goes with its temporary directory.
pub struct TestDb {
    pub url: String,
    postgres: Option<PgDatabase>,
    _dir: Option<tempfile::TempDir>,
}

struct PgDatabase {
    admin_url: String,
    name: String,
}

impl TestDb {
    pub async fn new() -> Self {
        match postgres_admin_url() {
            Some(url) => Self::postgres(url).await,
            None => {
                let dir = tempfile::tempdir().expect("creating a temporary directory");
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("boomerang.db").display()
                );
                Self {
                    url,
                    postgres: None,
                    _dir: Some(dir),
                }
            }
        }
    }

    async fn postgres(admin_url: String) -> Self {
        sweep_leftovers_once(&admin_url);
        let name = test_database_name(unix_now());
        let admin = Database::connect(&admin_url).await.unwrap_or_else(|e| {
            panic!(
                "\n\n*** DATABASE_URL names PostgreSQL, but it cannot be reached: {e}\n\
                 *** Start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) \
                 or unset DATABASE_URL to test on SQLite.\n\n"
            )
        });
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .expect("creating the test database");
        admin.close().await.ok();
        Self {
            url: database_url(&admin_url, &name),
            postgres: Some(PgDatabase { admin_url, name }),
            _dir: None,
        }
    }

    /// Drops the PostgreSQL database (the SQLite file goes with its temporary directory).
    pub async fn drop_database(mut self) {
        if let Some(pg) = self.postgres.take() {
            drop_postgres_database(&pg.admin_url, &pg.name)
                .await
                .expect("dropping the test database");
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }

    /// The PostgreSQL database's name, for tests of the harness itself.
    pub fn postgres_name(&self) -> Option<&str> {
        self.postgres.as_ref().map(|pg| pg.name.as_str())
    }

    /// The temporary directory holding the SQLite file.
    pub fn sqlite_dir(&self) -> Option<std::path::PathBuf> {
        self._dir.as_ref().map(|dir| dir.path().to_path_buf())
    }
}

impl Drop for TestDb {
    /// Drops a PostgreSQL database the test did not drop itself: it panicked, or never reached
    /// `finish`. `Drop` is synchronous and usually runs on a runtime thread (during a panic,
    /// while unwinding through one), where nothing may block on a future; the statement runs
    /// on a thread of its own with its own small runtime, and this waits for it. A failure is
    /// printed, not raised: a panic while unwinding would abort the whole test binary.
    fn drop(&mut self) {
        let Some(pg) = self.postgres.take() else {
            return;
        };
        let name = pg.name.clone();
        let dropped =
            on_own_thread(async move { drop_postgres_database(&pg.admin_url, &pg.name).await });
        if let Err(e) = dropped {
            eprintln!("*** could not drop the test database {name}: {e}");
        }
    }
}

/// Runs `work` to completion on a new thread with its own small runtime and waits for it:
/// callable from synchronous code running on any runtime's thread, where blocking on a future
/// directly is not allowed.
fn on_own_thread<T, E>(
    work: impl Future<Output = Result<T, E>> + Send + 'static,
) -> Result<T, String>
where
    T: Send + 'static,
    E: std::fmt::Display + Send + 'static,
{
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?
            .block_on(work)
            .map_err(|e| e.to_string())
    })
    .join()
    .unwrap_or_else(|_| Err("the thread panicked".to_string()))
}

/// `DATABASE_URL` when it names PostgreSQL; `None` for SQLite (unset, empty or `sqlite:`).
pub fn postgres_admin_url() -> Option<String> {
    match std::env::var("DATABASE_URL") {
        Ok(url) if url.starts_with("postgres") => Some(url),
        Ok(url) if !url.is_empty() && !url.starts_with("sqlite") => {
            panic!("DATABASE_URL must name a PostgreSQL server or SQLite; got another scheme")
        }
        _ => None,
    }
}

/// The URL of database `name` on the server `admin_url` points at.
fn database_url(admin_url: &str, name: &str) -> String {
    let base = admin_url.split('?').next().unwrap_or(admin_url);
    let server = base
        .rsplit_once('/')
        .map(|(server, _)| server)
        .unwrap_or(base);
    format!("{server}/{name}")
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// A fresh test database name created at `unix_secs`.
pub fn test_database_name(unix_secs: u64) -> String {
    format!(
        "{TEST_DATABASE_PREFIX}{unix_secs}_{}",
        uuid::Uuid::new_v4().simple()
    )
}

async fn drop_postgres_database(admin_url: &str, name: &str) -> Result<(), sea_orm::DbErr> {
    let admin = Database::connect(admin_url).await?;
    let dropped = admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .await;
    admin.close().await.ok();
    dropped.map(|_| ())
}

/// Sweeps leftovers once per test binary, before its first PostgreSQL database is created.
/// Tests run on many runtimes, so it runs on a thread of its own (see `on_own_thread`).
fn sweep_leftovers_once(admin_url: &str) {
    static SWEPT: std::sync::Once = std::sync::Once::new();
    SWEPT.call_once(|| {
        let admin_url = admin_url.to_string();
        let swept =
            on_own_thread(async move { sweep_leftover_databases(&admin_url, LEFTOVER_AGE).await });
        match swept {
            Ok(dropped) if !dropped.is_empty() => eprintln!(
                "test databases: dropped {} leftover(s) older than a day: {}",
                dropped.len(),
                dropped.join(", ")
            ),
            Ok(_) => {}
            Err(e) => eprintln!("*** test databases: sweeping leftovers failed: {e}"),
        }
    });
}

/// Drops the test databases on the server older than `older_than` and returns their names.
/// The age comes from the name (`boomerang_test_<unix seconds>_<uuid>`); for a name from before
/// the timestamp was added (`boomerang_test_<uuid>`) it comes from the creation time of the
/// database's `PG_VERSION` file, which needs a superuser (or `pg_read_server_files`) and is
/// otherwise left alone with a note. Databases in use by a running test are younger than a day.
pub async fn sweep_leftover_databases(
    admin_url: &str,
    older_than: Duration,
) -> Result<Vec<String>, sea_orm::DbErr> {
    let admin = Database::connect(admin_url).await?;
    let backend = admin.get_database_backend();
    let rows = admin
        .query_all_raw(Statement::from_string(
            backend,
            format!(
                "SELECT datname::text, oid::bigint FROM pg_database WHERE starts_with(datname, '{TEST_DATABASE_PREFIX}')"
            ),
        ))
        .await?;
    let cutoff = unix_now().saturating_sub(older_than.as_secs());
    let mut dropped = Vec::new();
    for row in rows {
        let name: String = row.try_get_by_index(0)?;
        let oid: i64 = row.try_get_by_index(1)?;
        let stamped = name
            .strip_prefix(TEST_DATABASE_PREFIX)
            .and_then(|rest| rest.split_once('_'))
            .and_then(|(secs, _)| secs.parse::<u64>().ok());
        let created = match stamped {
            Some(secs) => secs,
            None => {
                let sql = format!(
                    "SELECT CAST(EXTRACT(EPOCH FROM (pg_stat_file('base/{oid}/PG_VERSION')).modification) AS BIGINT)"
                );
                match admin
                    .query_one_raw(Statement::from_string(backend, sql))
                    .await
                {
                    Ok(Some(row)) => row
                        .try_get_by_index::<i64>(0)
                        .map(|secs| u64::try_from(secs).unwrap_or(0))?,
                    Ok(None) | Err(_) => {
                        eprintln!("test databases: cannot tell the age of {name}; left alone");
                        continue;
                    }
                }
            }
        };
        if created >= cutoff {
            continue;
        }
        // Another test binary may be sweeping the same leftover right now.
        match admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .await
        {
            Ok(_) => dropped.push(name),
            Err(e) => eprintln!("test databases: could not drop leftover {name}: {e}"),
        }
    }
    admin.close().await.ok();
    Ok(dropped)
}

/// The real server, started on a free port.
pub struct TestServer {
    pub base: String,
    pub db: Option<TestDb>,
    /// The server's own connection pool, for looking behind the API.
    pub conn: DatabaseConnection,
    pub stripe: Option<Arc<Stripe>>,
    /// The SMTP server the server sends its mail to (unless a test configured another).
    pub smtp: SmtpMock,
    /// The server's mail worker, for tests that run it by hand (`worker = false`).
    pub mail_worker: MailWorker,
    http: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<anyhow::Result<()>>>,
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(TestDb::new().await).await
    }

    pub async fn start_with(db: TestDb) -> Self {
        Self::start_configured(db, |_| {}).await
    }

    pub async fn start_configured(db: TestDb, configure: impl FnOnce(&mut Config)) -> Self {
        let url = db.url.clone();
        Self {
            db: Some(db),
            ..Self::launch(url, configure).await
        }
    }

    /// Another server on the same database, as a second replica behind a load balancer would
    /// be (its worker off). Stop it with `stop_replica` before this one finishes.
    pub async fn replica(&self) -> Self {
        let url = self.db.as_ref().expect("database").url.clone();
        Self::launch(url, |c| c.worker = false).await
    }

    /// Stops a server started by `replica` (it owns no database).
    pub async fn stop_replica(mut self) {
        if let Some(tx) = self.shutdown.take() {
            tx.send(()).ok();
        }
        if let Some(handle) = self.handle.take() {
            handle
                .await
                .expect("server task")
                .expect("server ran cleanly");
        }
    }

    async fn launch(url: String, configure: impl FnOnce(&mut Config)) -> Self {
        capture_logs();
        let smtp = SmtpMock::start().await;
        let mut config = Config::for_database(url);
        config.smtp_url = Some(Secret::new(smtp.url()));
        configure(&mut config);
        let app = App::build(&config).await.expect("building the app");
        let conn = app.db().clone();
        let stripe = app.stripe();
        let mail_worker = app.mail_worker();
        let addr = app.local_addr().expect("bound address");
        let (tx, rx) = oneshot::channel::<()>();
        let handle = tokio::spawn(app.run_until(async {
            rx.await.ok();
        }));
        Self {
            base: format!("http://{addr}"),
            db: None,
            conn,
            stripe,
            smtp,
            mail_worker,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .expect("http client"),
            shutdown: Some(tx),
            handle: Some(handle),
        }
    }

    /// Stops the server gracefully and hands back its database, e.g. to start again on it.
    pub async fn stop(mut self) -> TestDb {
        if let Some(tx) = self.shutdown.take() {
            tx.send(()).ok();
        }
        if let Some(handle) = self.handle.take() {
            handle
                .await
                .expect("server task")
                .expect("server ran cleanly");
        }
        self.db.take().expect("database")
    }

    /// Checks the ledger invariants (as `boomerang check-ledger` does), stops the server and
    /// drops its database. Every test ends here, so every test leaves sound books.
    pub async fn finish(self) {
        let db = self.stop().await;
        let conn = Database::connect(&db.url)
            .await
            .expect("connecting to check the ledger");
        let problems = boomerang::domain::ledger::check(&conn)
            .await
            .expect("checking the ledger");
        conn.close().await.ok();
        assert!(
            problems.is_empty(),
            "the ledger check failed: {problems:#?}"
        );
        db.drop_database().await;
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Sends one GraphQL request and returns the JSON body (asserting HTTP 200).
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .http
            .post(format!("{}/graphql", self.base))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("sending a GraphQL request");
        assert_eq!(response.status(), 200, "GraphQL answers 200");
        response.json().await.expect("a JSON body")
    }

    /// Sends a request that must succeed and returns its `data`.
    pub async fn ok(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let body = self.gql(token, query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    /// Sends a request that must fail and returns the first error's code.
    pub async fn err(&self, token: Option<&str>, query: &str, variables: Value) -> String {
        let body = self.gql(token, query, variables).await;
        error_code(&body).unwrap_or_else(|| panic!("expected an error, got {body:#}"))
    }

    /// Runs one due payout job, as the server's worker would.
    pub async fn run_worker_once(&self, crash: CrashPoint) -> Result<bool, String> {
        let stripe = self.stripe.as_ref().expect("Stripe is configured");
        worker::run_once(&self.conn, &stripe.gateway, crash)
            .await
            .map_err(|e| e.to_string())
    }

    /// Runs one auto-acceptance job due `days` from now, as a replica's engagements worker
    /// would once that time came: review windows close without waiting.
    pub async fn run_engagements_once(&self, days: i64) -> bool {
        let at = chrono::Utc::now() + chrono::Duration::days(days);
        boomerang::engagements::worker::run_once(&self.conn, at)
            .await
            .expect("engagements worker step")
    }

    /// Runs due payout jobs until none is left.
    pub async fn drain_worker(&self) {
        while self
            .run_worker_once(CrashPoint::Never)
            .await
            .expect("worker step")
        {}
    }

    /// Runs the mail worker by hand until no mail is due (for servers without a worker).
    pub async fn drain_mail(&self) {
        while self
            .mail_worker
            .run_once(&self.conn)
            .await
            .expect("mail worker step")
        {}
    }

    /// Waits (up to 20 s) until the server's worker has handled every queued mail, so that
    /// what it writes (tokens, outbox rows) is not mistaken for a request's doing.
    pub async fn mail_settled(&self) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while self
            .sql_i64("SELECT COUNT(*) FROM outbox_emails WHERE status IN ('PENDING', 'RUNNING')")
            .await
            > 0
        {
            assert!(
                tokio::time::Instant::now() < deadline,
                "queued mail was not sent within 20 s"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The body of the `n`th mail (from 1) to `recipient` whose subject contains `subject`,
    /// as the SMTP server received it; waits for it to arrive.
    pub async fn mail(&self, recipient: &str, subject: &str, n: usize) -> String {
        self.smtp.nth_mail(recipient, subject, n).await.body
    }

    /// Executes SQL on the test database, behind the API's back.
    pub async fn sql(&self, sql: &str) {
        self.conn
            .execute_unprepared(sql)
            .await
            .expect("executing test SQL");
    }

    /// Reads one integer with SQL.
    pub async fn sql_i64(&self, sql: &str) -> i64 {
        let row = self
            .conn
            .query_one_raw(Statement::from_string(
                self.conn.get_database_backend(),
                sql,
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index::<i64>(0).unwrap()
    }

    /// Reads one text value with SQL (null as `None`).
    pub async fn sql_text(&self, sql: &str) -> Option<String> {
        let row = self
            .conn
            .query_one_raw(Statement::from_string(
                self.conn.get_database_backend(),
                sql,
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index::<Option<String>>(0).unwrap()
    }

    /// Posts a webhook body with its `Stripe-Signature` header and returns the status.
    pub async fn webhook(&self, body: &str, signature: Option<&str>) -> u16 {
        let mut request = self
            .http
            .post(format!("{}/webhooks/stripe", self.base))
            .body(body.to_string());
        if let Some(signature) = signature {
            request = request.header("stripe-signature", signature);
        }
        request
            .send()
            .await
            .expect("posting a webhook")
            .status()
            .as_u16()
    }

    /// The server's SQL statement counter, from `/metrics`.
    pub async fn sql_statements(&self) -> u64 {
        let text = self
            .http
            .get(format!("{}/metrics", self.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        text.lines()
            .find_map(|l| l.strip_prefix("boomerang_sql_statements_total "))
            .and_then(|n| n.trim().parse().ok())
            .expect("the SQL statement counter")
    }
}

/// The first error's `extensions.code`.
pub fn error_code(body: &Value) -> Option<String> {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .map(str::to_string)
}

static LOGS: std::sync::Mutex<Vec<u8>> = std::sync::Mutex::new(Vec::new());

struct LogSink;

impl std::io::Write for LogSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOGS.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Sends every server log line of the test binary into a buffer, so tests can read what
/// the server would have written (at debug level for Boomerang and its HTTP layer).
fn capture_logs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let filter = tracing_subscriber::EnvFilter::new(
            "info,boomerang=debug,tower_http=debug,async_graphql=debug",
        );
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_ansi(false)
            .with_writer(|| LogSink)
            .finish();
        tracing::subscriber::set_global_default(subscriber).ok();
    });
}

/// Everything logged so far by every server in this test binary.
pub fn captured_logs() -> String {
    String::from_utf8_lossy(&LOGS.lock().unwrap()).into_owned()
}

/// The single-use code in a mail body.
pub fn code_in(mail: &str) -> String {
    mail.split("mutation: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("a code in the mail")
        .to_string()
}
