//! The baseline: one hand-written axum handler per scenario, plain SQL on the same driver
//! (sqlx, through sea-orm's raw statements) and the same pool size, answering byte for byte
//! what the GraphQL server answers. It shows what the GraphQL and ORM layers cost.
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, QueryResult,
    SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait, Value,
};
use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};

#[derive(Clone)]
pub struct Baseline {
    db: DatabaseConnection,
    statements: Arc<AtomicU64>,
}

type Answer = Result<String, (StatusCode, String)>;

fn fail(e: impl std::fmt::Display) -> (StatusCode, String) {
    (StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
}

fn id(type_name: &str, key: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{type_name}:{key}"))
}

fn decode(id: &str) -> Option<i64> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(id).ok()?).ok()?;
    text.split_once(':')?.1.parse().ok()
}

/// JPY has no minor unit; the seeded data is all JPY.
fn money(minor: i64, currency: &str) -> Json {
    json!({ "amount": minor.to_string(), "currencyCode": currency })
}

impl Baseline {
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            statements: Arc::default(),
        }
    }

    pub fn router(self) -> Router {
        Router::new()
            .route("/project_page", post(project_page))
            .route("/company_dashboard", post(company_dashboard))
            .route("/finance_queue", post(finance_queue))
            .route("/place_bid", post(place_bid))
            .route("/accept_bid", post(accept_bid))
            .route("/metrics", get(metrics))
            .with_state(self)
    }

    fn stmt(&self, sql: &str, values: Vec<Value>) -> Statement {
        self.statements.fetch_add(1, Ordering::Relaxed);
        Statement::from_sql_and_values(self.db.get_database_backend(), sql, values)
    }

    async fn all(
        &self,
        conn: &impl ConnectionTrait,
        sql: &str,
        values: Vec<Value>,
    ) -> Result<Vec<QueryResult>, (StatusCode, String)> {
        conn.query_all_raw(self.stmt(sql, values))
            .await
            .map_err(fail)
    }

    async fn one(
        &self,
        conn: &impl ConnectionTrait,
        sql: &str,
        values: Vec<Value>,
    ) -> Result<Option<QueryResult>, (StatusCode, String)> {
        conn.query_one_raw(self.stmt(sql, values))
            .await
            .map_err(fail)
    }

    async fn exec(
        &self,
        conn: &impl ConnectionTrait,
        sql: &str,
        values: Vec<Value>,
    ) -> Result<u64, (StatusCode, String)> {
        Ok(conn
            .execute_raw(self.stmt(sql, values))
            .await
            .map_err(fail)?
            .rows_affected())
    }

    async fn begin(&self) -> Result<DatabaseTransaction, (StatusCode, String)> {
        self.statements.fetch_add(2, Ordering::Relaxed);
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        self.db.begin_with_options(options).await.map_err(fail)
    }

    /// The caller: (user id, email, role at `company` if any), in one statement.
    async fn caller(
        &self,
        headers: &HeaderMap,
        company: i64,
    ) -> Result<(i64, String, Option<String>), (StatusCode, String)> {
        let token = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or((StatusCode::UNAUTHORIZED, "no token".into()))?;
        let hash: String = Sha256::digest(token.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let row = self
            .one(
                &self.db,
                "SELECT u.id, u.email, (SELECT m.role FROM company_members m WHERE m.user_id = u.id AND m.company_id = $1) AS role \
                 FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $2 AND s.expires_at > $3",
                vec![company.into(), hash.into(), chrono::Utc::now().into()],
            )
            .await?
            .ok_or((StatusCode::UNAUTHORIZED, "bad token".into()))?;
        Ok((
            row.try_get_by_index(0).map_err(fail)?,
            row.try_get_by_index(1).map_err(fail)?,
            row.try_get_by_index(2).map_err(fail)?,
        ))
    }
}

fn var(body: &Json, name: &str) -> Result<i64, (StatusCode, String)> {
    body["variables"][name]
        .as_str()
        .and_then(decode)
        .ok_or((StatusCode::BAD_REQUEST, format!("variable {name}")))
}

async fn metrics(State(b): State<Baseline>) -> String {
    format!(
        "boomerang_sql_statements_total {}\n",
        b.statements.load(Ordering::Relaxed)
    )
}

/// `project(id) { id title status budget { amount currencyCode } company { id name } }`
async fn project_page(State(b): State<Baseline>, headers: HeaderMap, body: String) -> Answer {
    let body: Json = serde_json::from_str(&body).map_err(fail)?;
    let project = var(&body, "id")?;
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let hash: String = Sha256::digest(token.trim_start_matches("Bearer ").as_bytes())
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect();
    let row = b
        .one(
            &b.db,
            "SELECT p.title, p.status, p.budget_minor, p.currency, c.id, c.name FROM sessions s JOIN users u ON u.id = s.user_id \
             JOIN projects p ON p.id = $1 JOIN companies c ON c.id = p.company_id \
             WHERE s.token_hash = $2 AND s.expires_at > $3 AND (\
               EXISTS (SELECT 1 FROM company_members m WHERE m.company_id = p.company_id AND m.user_id = u.id) \
               OR EXISTS (SELECT 1 FROM alumni_records a WHERE a.company_id = p.company_id AND a.email = u.email) \
               OR (p.visibility = 'ALL_ALUMNI' AND EXISTS (SELECT 1 FROM alumni_records a WHERE a.email = u.email)))",
            vec![project.into(), hash.into(), chrono::Utc::now().into()],
        )
        .await?
        .ok_or((StatusCode::NOT_FOUND, "not found".into()))?;
    let get_s = |i| row.try_get_by_index::<String>(i).map_err(fail);
    let currency = get_s(3)?;
    let out = json!({ "data": { "project": {
        "budget": money(row.try_get_by_index(2).map_err(fail)?, &currency),
        "company": { "id": id("Company", row.try_get_by_index(4).map_err(fail)?), "name": get_s(5)? },
        "id": id("Project", project),
        "status": get_s(1)?,
        "title": get_s(0)?,
    } } });
    Ok(out.to_string())
}

/// `projects(first: 50, filter: {companyId}) { … bids(first: 20) { amount bidder { displayName } } }`
async fn company_dashboard(State(b): State<Baseline>, headers: HeaderMap, body: String) -> Answer {
    let body: Json = serde_json::from_str(&body).map_err(fail)?;
    let company = var(&body, "c")?;
    let (_, _, role) = b.caller(&headers, company).await?;
    if role.is_none() {
        return Err((StatusCode::FORBIDDEN, "staff only in this scenario".into()));
    }
    let projects = b
        .all(
            &b.db,
            "SELECT id, title FROM projects WHERE company_id = $1 ORDER BY id DESC LIMIT 50",
            vec![company.into()],
        )
        .await?;
    let ids: Vec<i64> = projects
        .iter()
        .map(|r| r.try_get_by_index(0))
        .collect::<Result<_, _>>()
        .map_err(fail)?;
    let mut bids: std::collections::HashMap<i64, Vec<Json>> = std::collections::HashMap::new();
    if !ids.is_empty() {
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let rows = b
            .all(
                &b.db,
                &format!(
                    "SELECT r.project_id, r.amount_minor, r.currency, u.display_name FROM (SELECT project_id, bidder_id, amount_minor, currency, id, \
                     ROW_NUMBER() OVER (PARTITION BY project_id ORDER BY id DESC) AS n FROM bids WHERE project_id IN ({list})) r \
                     JOIN users u ON u.id = r.bidder_id WHERE r.n <= 20 ORDER BY r.project_id, r.id DESC"
                ),
                vec![],
            )
            .await?;
        for r in rows {
            let project: i64 = r.try_get_by_index(0).map_err(fail)?;
            let currency: String = r.try_get_by_index(2).map_err(fail)?;
            bids.entry(project).or_default().push(json!({ "node": {
                "amount": money(r.try_get_by_index(1).map_err(fail)?, &currency),
                "bidder": { "displayName": r.try_get_by_index::<String>(3).map_err(fail)? },
            } }));
        }
    }
    let edges: Vec<Json> = projects
        .iter()
        .zip(&ids)
        .map(|(r, p)| {
            Ok(json!({ "node": {
                "bids": { "edges": bids.remove(p).unwrap_or_default() },
                "id": id("Project", *p),
                "title": r.try_get_by_index::<String>(1).map_err(fail)?,
            } }))
        })
        .collect::<Result<_, (StatusCode, String)>>()?;
    Ok(json!({ "data": { "projects": { "edges": edges } } }).to_string())
}

/// `invoices(first: 50, filter: {companyId, status: SUBMITTED}) { id amount contract { project { title } freelancer { displayName } } }`
async fn finance_queue(State(b): State<Baseline>, headers: HeaderMap, body: String) -> Answer {
    let body: Json = serde_json::from_str(&body).map_err(fail)?;
    let company = var(&body, "c")?;
    let (user, _, role) = b.caller(&headers, company).await?;
    let staff = role.is_some();
    let rows = b
        .all(
            &b.db,
            "SELECT i.id, i.amount_minor, i.currency, p.title, u.display_name FROM invoices i JOIN contracts c ON c.id = i.contract_id \
             JOIN projects p ON p.id = c.project_id JOIN users u ON u.id = c.freelancer_id \
             WHERE i.company_id = $1 AND i.status = 'SUBMITTED' AND ($2 OR i.submitted_by = $3) ORDER BY i.id DESC LIMIT 50",
            vec![company.into(), staff.into(), user.into()],
        )
        .await?;
    let edges: Vec<Json> = rows
        .iter()
        .map(|r| {
            let currency: String = r.try_get_by_index(2).map_err(fail)?;
            Ok(json!({ "node": {
                "amount": money(r.try_get_by_index(1).map_err(fail)?, &currency),
                "contract": {
                    "freelancer": { "displayName": r.try_get_by_index::<String>(4).map_err(fail)? },
                    "project": { "title": r.try_get_by_index::<String>(3).map_err(fail)? },
                },
                "id": id("Invoice", r.try_get_by_index(0).map_err(fail)?),
            } }))
        })
        .collect::<Result<_, (StatusCode, String)>>()?;
    Ok(json!({ "data": { "invoices": { "edges": edges } } }).to_string())
}

async fn audit(
    b: &Baseline,
    tx: &DatabaseTransaction,
    actor: i64,
    action: &str,
    object: (&str, i64),
    from: Option<&str>,
    to: &str,
) -> Result<(), (StatusCode, String)> {
    b.exec(
        tx,
        "INSERT INTO audit_events (actor_id, action, object_type, object_id, from_status, to_status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        vec![actor.into(), action.into(), object.0.into(), object.1.into(), from.map(str::to_string).into(), to.into(), chrono::Utc::now().into()],
    )
    .await
    .map(|_| ())
}

fn lock(b: &Baseline) -> &'static str {
    if b.db.get_database_backend() == DbBackend::Postgres {
        " FOR UPDATE"
    } else {
        ""
    }
}

/// `placeBid(input: {projectId, amount, deliveryDays, proposal}) { id status }`
async fn place_bid(State(b): State<Baseline>, headers: HeaderMap, body: String) -> Answer {
    let body: Json = serde_json::from_str(&body).map_err(fail)?;
    let project = var(&body, "p")?;
    let (user, email, _) = b.caller(&headers, 0).await?;
    let tx = b.begin().await?;
    let row = b
        .one(
            &tx,
            &format!(
                "SELECT p.status, p.currency, \
                 CASE WHEN EXISTS (SELECT 1 FROM company_members m WHERE m.company_id = p.company_id AND m.user_id = $1) THEN 1 ELSE 0 END, \
                 CASE WHEN EXISTS (SELECT 1 FROM alumni_records a WHERE a.company_id = p.company_id AND a.email = $2) THEN 1 ELSE 0 END, \
                 CASE WHEN EXISTS (SELECT 1 FROM bids x WHERE x.project_id = p.id AND x.bidder_id = $1 AND x.status = 'PENDING') THEN 1 ELSE 0 END \
                 FROM projects p WHERE p.id = $3{}",
                lock(&b)
            ),
            vec![user.into(), email.into(), project.into()],
        )
        .await?
        .ok_or((StatusCode::NOT_FOUND, "project".into()))?;
    let flags: (i32, i32, i32) = (
        row.try_get_by_index(2).map_err(fail)?,
        row.try_get_by_index(3).map_err(fail)?,
        row.try_get_by_index(4).map_err(fail)?,
    );
    let status: String = row.try_get_by_index(0).map_err(fail)?;
    if flags != (0, 1, 0) || status != "OPEN" {
        return Err((StatusCode::CONFLICT, "refused".into()));
    }
    let now = chrono::Utc::now();
    let inserted = b
        .one(
            &tx,
            "INSERT INTO bids (project_id, bidder_id, amount_minor, currency, delivery_days, proposal, status, created_at, updated_at) \
             VALUES ($1, $2, 90000, 'JPY', 7, 'Bench', 'PENDING', $3, $3) RETURNING id",
            vec![project.into(), user.into(), now.into()],
        )
        .await?
        .ok_or((StatusCode::INTERNAL_SERVER_ERROR, "no id".into()))?;
    let bid: i64 = inserted.try_get_by_index(0).map_err(fail)?;
    audit(&b, &tx, user, "bid.place", ("Bid", bid), None, "PENDING").await?;
    tx.commit().await.map_err(fail)?;
    Ok(
        json!({ "data": { "placeBid": { "id": id("Bid", bid), "status": "PENDING" } } })
            .to_string(),
    )
}

/// `acceptBid(id) { id status }`
async fn accept_bid(State(b): State<Baseline>, headers: HeaderMap, body: String) -> Answer {
    let body: Json = serde_json::from_str(&body).map_err(fail)?;
    let bid = var(&body, "b")?;
    let (user, _, _) = b.caller(&headers, 0).await?;
    let tx = b.begin().await?;
    let row = b
        .one(
            &tx,
            &format!(
                "SELECT p.id, p.status, x.status, x.bidder_id, x.amount_minor, x.currency, p.company_id, \
                 (SELECT m.role FROM company_members m WHERE m.company_id = p.company_id AND m.user_id = $1), p.title \
                 FROM bids x JOIN projects p ON p.id = x.project_id WHERE x.id = $2{}",
                lock(&b)
            ),
            vec![user.into(), bid.into()],
        )
        .await?
        .ok_or((StatusCode::NOT_FOUND, "bid".into()))?;
    let role: Option<String> = row.try_get_by_index(7).map_err(fail)?;
    if !matches!(role.as_deref(), Some("ADMIN" | "MEMBER")) {
        return Err((StatusCode::FORBIDDEN, "role".into()));
    }
    let company: i64 = row.try_get_by_index(6).map_err(fail)?;
    let project: i64 = row.try_get_by_index(0).map_err(fail)?;
    let statuses: (String, String) = (
        row.try_get_by_index(1).map_err(fail)?,
        row.try_get_by_index(2).map_err(fail)?,
    );
    if statuses != ("OPEN".to_string(), "PENDING".to_string()) {
        return Err((StatusCode::CONFLICT, "state".into()));
    }
    let now = chrono::Utc::now();
    b.exec(
        &tx,
        "UPDATE projects SET status = 'AWARDED', updated_at = $1 WHERE id = $2 AND status = 'OPEN'",
        vec![now.into(), project.into()],
    )
    .await?;
    audit(
        &b,
        &tx,
        user,
        "project.award",
        ("Project", project),
        Some("OPEN"),
        "AWARDED",
    )
    .await?;
    b.exec(
        &tx,
        "UPDATE bids SET status = 'ACCEPTED', updated_at = $1 WHERE id = $2 AND status = 'PENDING'",
        vec![now.into(), bid.into()],
    )
    .await?;
    audit(
        &b,
        &tx,
        user,
        "bid.accept",
        ("Bid", bid),
        Some("PENDING"),
        "ACCEPTED",
    )
    .await?;
    b.exec(
        &tx,
        "UPDATE bids SET status = 'REJECTED', updated_at = $1 WHERE project_id = $2 AND status = 'PENDING' AND id <> $3",
        vec![now.into(), project.into(), bid.into()],
    )
    .await?;
    let contract = b
        .one(
            &tx,
            "INSERT INTO contracts (project_id, bid_id, company_id, freelancer_id, amount_minor, currency, invoiced_minor, paid_minor, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 0, 0, 'ACTIVE', $7, $7) RETURNING id",
            vec![
                project.into(),
                bid.into(),
                company.into(),
                row.try_get_by_index::<i64>(3).map_err(fail)?.into(),
                row.try_get_by_index::<i64>(4).map_err(fail)?.into(),
                row.try_get_by_index::<String>(5).map_err(fail)?.into(),
                now.into(),
            ],
        )
        .await?
        .ok_or((StatusCode::INTERNAL_SERVER_ERROR, "no id".into()))?;
    let contract: i64 = contract.try_get_by_index(0).map_err(fail)?;
    audit(
        &b,
        &tx,
        user,
        "contract.create",
        ("Contract", contract),
        None,
        "ACTIVE",
    )
    .await?;
    // The contract's milestones: the bid's proposal, or one for the whole amount.
    let proposed = b
        .all(
            &tx,
            "SELECT position, title, amount_minor, due_date FROM bid_milestones WHERE bid_id = $1 ORDER BY position",
            vec![bid.into()],
        )
        .await?;
    let milestones: Vec<(i32, String, i64, Option<chrono::NaiveDate>)> = if proposed.is_empty() {
        vec![(
            1,
            row.try_get_by_index::<String>(8).map_err(fail)?,
            row.try_get_by_index::<i64>(4).map_err(fail)?,
            None,
        )]
    } else {
        proposed
            .iter()
            .map(|m| {
                Ok((
                    m.try_get_by_index(0).map_err(fail)?,
                    m.try_get_by_index(1).map_err(fail)?,
                    m.try_get_by_index(2).map_err(fail)?,
                    m.try_get_by_index(3).map_err(fail)?,
                ))
            })
            .collect::<Result<_, (StatusCode, String)>>()?
    };
    for (position, title, amount, due) in milestones {
        let milestone = b
            .one(
                &tx,
                "INSERT INTO milestones (contract_id, position, title, amount_minor, currency, due_date, status, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 'ACTIVE', $7, $7) RETURNING id",
                vec![
                    contract.into(),
                    position.into(),
                    title.into(),
                    amount.into(),
                    row.try_get_by_index::<String>(5).map_err(fail)?.into(),
                    due.into(),
                    now.into(),
                ],
            )
            .await?
            .ok_or((StatusCode::INTERNAL_SERVER_ERROR, "no id".into()))?;
        let milestone: i64 = milestone.try_get_by_index(0).map_err(fail)?;
        audit(
            &b,
            &tx,
            user,
            "milestone.create",
            ("Milestone", milestone),
            None,
            "ACTIVE",
        )
        .await?;
    }
    tx.commit().await.map_err(fail)?;
    Ok(
        json!({ "data": { "acceptBid": { "id": id("Contract", contract), "status": "ACTIVE" } } })
            .to_string(),
    )
}
