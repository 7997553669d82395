//! Seeds a realistic data set straight into the database with multi-row INSERTs.
//! Scale 1: 20 companies, 1,000 alumni, 2,000 projects, 20,000 bids, 1,000 contracts,
//! 2,000 milestones, 4,000 invoices, plus pools of fresh projects and bidders that the mutation scenarios consume.
use sea_orm::{ConnectionTrait, DatabaseConnection};
use sha2::{Digest, Sha256};

pub const CREATED: &str = "'2026-01-01T00:00:00+00:00'";
const EXPIRES: &str = "'2099-01-01T00:00:00+00:00'";
const HASH: &str =
    "'$argon2id$v=19$m=19456,t=2,p=1$bm90LXVzZWQ$bm90LXVzZWQtZm9yLWJlbmNoLWxvZ2lucw'";

#[derive(Debug, Clone)]
pub struct Seeded {
    pub companies: i64,
    pub alumni: i64,
    pub projects: i64,
    /// Regular projects have ids `first_project..first_project + projects`.
    pub first_project: i64,
    pub bids: i64,
    pub contracts: i64,
    pub invoices: i64,
    /// Ids of open projects with one pending bid each, for `accept_bid`.
    pub accept_pool: Vec<(i64, i64, i64)>,
    /// (project id, company) pairs open for bidding, and fresh bidder tokens per company.
    pub bid_targets: Vec<(i64, i64)>,
    pub bidder_pool: i64,
}

pub fn token(kind: &str, n: i64) -> String {
    format!("bench-{kind}-{n}")
}

fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn insert(
    db: &DatabaseConnection,
    table: &str,
    columns: &str,
    rows: impl Iterator<Item = String>,
) -> anyhow::Result<()> {
    let rows: Vec<String> = rows.collect();
    for chunk in rows.chunks(500) {
        db.execute_unprepared(&format!(
            "INSERT INTO {table} ({columns}) VALUES {}",
            chunk.join(",")
        ))
        .await?;
    }
    Ok(())
}

/// Users get ids in insertion order: admins 1..=C, finance C+1..=2C, alumni, then pool bidders.
pub async fn seed(db: &DatabaseConnection, scale: i64, pool: i64) -> anyhow::Result<Seeded> {
    let companies = 20 * scale;
    let alumni = 1000 * scale;
    let projects = 2000 * scale;
    let bids_per_project = 10;
    let contracts = 1000 * scale;
    let invoices_per_contract = 4;
    let bidder_pool = pool;

    insert(
        db,
        "companies",
        "id, name, payment_provider, created_at",
        (1..=companies).map(|c| format!("({c}, 'Company {c}', 'manual', {CREATED})")),
    )
    .await?;
    let user_count = 2 * companies + alumni + bidder_pool;
    insert(
        db,
        "users",
        "id, email, display_name, password_hash, email_verified_at, created_at",
        (1..=user_count).map(|u| {
            format!("({u}, 'user{u}@bench.example', 'User {u}', {HASH}, {CREATED}, {CREATED})")
        }),
    )
    .await?;
    let members = (1..=companies).flat_map(|c| [(c, c, "ADMIN"), (c + companies, c, "FINANCE")]);
    insert(
        db,
        "company_members",
        "user_id, company_id, role, created_at",
        members.map(|(u, c, r)| format!("({u}, {c}, '{r}', {CREATED})")),
    )
    .await?;
    let first_alumnus = 2 * companies + 1;
    let alumni_users = (0..alumni + bidder_pool).map(|i| (first_alumnus + i, 1 + i % companies));
    insert(
        db,
        "alumni_records",
        "company_id, email, created_at",
        alumni_users
            .clone()
            .map(|(u, c)| format!("({c}, 'user{u}@bench.example', {CREATED})")),
    )
    .await?;
    let sessions = (1..=companies)
        .map(|c| (c, token("admin", c)))
        .chain((1..=companies).map(|c| (c + companies, token("finance", c))))
        .chain((0..alumni).map(|i| (first_alumnus + i, token("alumnus", i))))
        .chain((0..bidder_pool).map(|i| (first_alumnus + alumni + i, token("bidder", i))));
    insert(
        db,
        "sessions",
        "user_id, token_hash, created_at, expires_at",
        sessions.map(|(u, t)| format!("({u}, '{}', {CREATED}, {EXPIRES})", hash(&t))),
    )
    .await?;

    // Projects: the accept pool first (old ids, so newest-first pages show the regular ones),
    // then the regular projects, of which the first `contracts` are awarded.
    let all_projects = projects + pool;
    insert(
        db,
        "projects",
        "id, company_id, created_by, title, description, category, budget_minor, currency, visibility, status, created_at, updated_at",
        (1..=all_projects).map(|p| {
            let c = 1 + (p - 1) % companies;
            let status = if p > pool && p - pool <= contracts { "AWARDED" } else { "OPEN" };
            format!("({p}, {c}, {c}, 'Project {p}', 'Work for company {c}', 'DATA_ANALYSIS', 100000, 'JPY', 'COMPANY_ALUMNI', '{status}', {CREATED}, {CREATED})")
        }),
    )
    .await?;
    // Bids: ten per project from ten alumni of its company; on awarded projects the first is accepted.
    let alumni_per_company = alumni / companies;
    let mut bid_rows = Vec::new();
    let mut bid_id = 0;
    for r in 1..=projects {
        let p = pool + r;
        let c = 1 + (p - 1) % companies;
        for k in 0..bids_per_project {
            bid_id += 1;
            let alumnus_index = (k + r) % alumni_per_company;
            let u = first_alumnus + (c - 1) + alumnus_index * companies;
            let status = match (r <= contracts, k) {
                (true, 0) => "ACCEPTED",
                (true, _) => "REJECTED",
                _ => "PENDING",
            };
            bid_rows.push(format!(
                "({bid_id}, {p}, {u}, {}, 'JPY', 14, 'Proposal', '{status}', {CREATED}, {CREATED})",
                90000 + k
            ));
        }
    }
    let bids = bid_id;
    let mut accept_pool = Vec::new();
    for p in 1..=pool {
        let c = 1 + (p - 1) % companies;
        bid_id += 1;
        let u = first_alumnus + (c - 1);
        bid_rows.push(format!(
            "({bid_id}, {p}, {u}, 90000, 'JPY', 14, 'Proposal', 'PENDING', {CREATED}, {CREATED})"
        ));
        accept_pool.push((bid_id, p, c));
    }
    insert(db, "bids", "id, project_id, bidder_id, amount_minor, currency, delivery_days, proposal, status, created_at, updated_at", bid_rows.into_iter()).await?;
    // Contracts on the awarded projects, for the first bid's alumnus.
    let contract_rows = (1..=contracts).map(|r| {
        let p = pool + r;
        let c = 1 + (p - 1) % companies;
        let b = (r - 1) * bids_per_project + 1;
        let u = first_alumnus + (c - 1) + (r % alumni_per_company) * companies;
        (r, p, c, b, u)
    });
    let contract_list: Vec<_> = contract_rows.collect();
    insert(
        db,
        "contracts",
        "id, project_id, bid_id, company_id, freelancer_id, amount_minor, currency, invoiced_minor, accepted_minor, paid_minor, status, created_at, updated_at",
        contract_list.iter().map(|(id, p, c, b, u)| format!("({id}, {p}, {b}, {c}, {u}, 90000, 'JPY', 40000, 40000, 0, 'ACTIVE', {CREATED}, {CREATED})")),
    )
    .await?;
    // Two milestones each: the first (40,000) accepted, so the invoices bill accepted work.
    insert(
        db,
        "milestones",
        "contract_id, position, title, amount_minor, currency, status, accepted_at, created_at, updated_at",
        contract_list.iter().flat_map(|(id, ..)| {
            [
                format!("({id}, 1, 'Analysis', 40000, 'JPY', 'ACCEPTED', {CREATED}, {CREATED}, {CREATED})"),
                format!("({id}, 2, 'Report', 50000, 'JPY', 'ACTIVE', NULL, {CREATED}, {CREATED})"),
            ]
        }),
    )
    .await?;
    // Invoices: four per contract, half of them waiting in the finance queue.
    let mut invoice_id = 0;
    let mut invoice_rows = Vec::new();
    for (contract, _, c, _, u) in &contract_list {
        for k in 0..invoices_per_contract {
            invoice_id += 1;
            let status = if k % 2 == 0 { "SUBMITTED" } else { "REJECTED" };
            invoice_rows.push(format!("({invoice_id}, {contract}, {c}, {u}, 10000, 'JPY', 'Milestone {k}', '{status}', {CREATED}, {CREATED})"));
        }
    }
    insert(db, "invoices", "id, contract_id, company_id, submitted_by, amount_minor, currency, description, status, created_at, updated_at", invoice_rows.into_iter()).await?;
    // Keep PostgreSQL's sequences past the explicit ids.
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        for table in [
            "companies",
            "users",
            "projects",
            "bids",
            "contracts",
            "invoices",
        ] {
            db.execute_unprepared(&format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")).await?;
        }
        db.execute_unprepared("ANALYZE").await?;
    } else {
        db.execute_unprepared("ANALYZE").await?;
    }
    let bid_targets = ((pool + contracts + 1)..=all_projects)
        .map(|p| (p, 1 + (p - 1) % companies))
        .collect();
    Ok(Seeded {
        companies,
        alumni,
        projects,
        first_project: pool + 1,
        bids,
        contracts,
        invoices: invoice_id,
        accept_pool,
        bid_targets,
        bidder_pool,
    })
}

impl Seeded {
    pub fn summary(&self) -> String {
        format!(
            "{} companies, {} alumni, {} projects, {} bids, {} contracts, {} invoices (+{} accept-pool projects, {} pool bidders)",
            self.companies,
            self.alumni,
            self.projects,
            self.bids,
            self.contracts,
            self.invoices,
            self.accept_pool.len(),
            self.bidder_pool
        )
    }
}

/// The company of pool bidder `i` (alumni are spread over companies round-robin).
pub fn bidder_company(seeded: &Seeded, i: i64) -> i64 {
    1 + (seeded.alumni + i) % seeded.companies
}
