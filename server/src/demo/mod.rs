//! `boomerang seed-demo` and `serve --demo`: fill an EMPTY database with a believable alumni
//! network (see `data`), played through the domain functions the API calls — the same
//! checks, audit events and ledger — never raw inserts. Emails are verified the way a person
//! does it: the verification mail's token (made by the mail outbox, in memory) is redeemed.
//! A database with any user or company is left alone.
mod data;
mod directory;
mod events;
mod news_rehire;
mod notifications;

use anyhow::Context;
use entity::states::{CompanyRole, PayeeType, ProjectVisibility};
use entity::{company, payout, user};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

use crate::domain::access::Access;
use crate::domain::accounts::{self, SignUp};
use crate::domain::bids::{self, NewBid};
use crate::domain::consumption_tax::TaxRate;
use crate::domain::delivery::{self, Delivery};
use crate::domain::email_ownership::{self, Links, Next};
use crate::domain::invoice_tax::{self, InvoiceTax, LineInput};
use crate::domain::milestones::{self, NewMilestone};
use crate::domain::money::{Currency, Money};
use crate::domain::payees::{self, PayeeProfile};
use crate::domain::projects::{self, NewProject};
use crate::domain::{alumni, companies, invoices, payouts};

pub use data::PASSWORD;

/// One login the demo made, for the printout.
pub struct Login {
    pub email: String,
    pub name: String,
    /// "みなと証券株式会社 ADMIN", or "alumnus".
    pub what: String,
}

pub enum Outcome {
    Seeded(Vec<Login>),
    /// The database already had users or companies; nothing was written.
    NotEmpty,
}

/// Seeds the demo network when the database holds no user and no company.
pub async fn seed(db: &DatabaseConnection) -> anyhow::Result<Outcome> {
    let users = user::Entity::find().count(db).await?;
    let companies = company::Entity::find().count(db).await?;
    if users > 0 || companies > 0 {
        return Ok(Outcome::NotEmpty);
    }
    let mut logins = Vec::new();

    // Everyone signs up, then verifies their address through the mailed token.
    let mut staff_ids = Vec::new();
    for c in &data::COMPANIES {
        let mut ids = Vec::new();
        for (person, role) in &c.staff {
            ids.push(sign_up(db, person).await?);
            logins.push(Login {
                email: person.email.into(),
                name: person.name.into(),
                what: format!("{} {}", c.name, role_name(*role)),
            });
        }
        staff_ids.push(ids);
    }
    let mut alumni_ids = Vec::new();
    for person in &data::ALUMNI {
        alumni_ids.push(sign_up(db, person).await?);
        logins.push(Login {
            email: person.email.into(),
            name: person.name.into(),
            what: "alumni".into(),
        });
    }
    verify_all(db).await?;

    // Companies, their staff and rosters.
    let mut company_ids = Vec::new();
    for (c, ids) in data::COMPANIES.iter().zip(&staff_ids) {
        let admin = access(db, ids[0]).await?;
        let created = companies::create(db, &admin, c.name)
            .await
            .with_context(|| format!("creating {}", c.name))?;
        let admin = access(db, ids[0]).await?;
        for (person, role) in c.staff.iter().skip(1) {
            companies::add_member(db, &admin, created.id, person.email, *role)
                .await
                .with_context(|| format!("adding {}", person.email))?;
        }
        let roster: Vec<String> = c.roster.iter().map(|e| (*e).to_string()).collect();
        alumni::add(db, &admin, created.id, &roster)
            .await
            .with_context(|| format!("the roster of {}", c.name))?;
        company_ids.push(created.id);
    }

    // Projects, published by each company's MEMBER.
    let mut project_ids = Vec::new();
    for p in &data::PROJECTS {
        let member = access(db, staff_ids[p.company][1]).await?;
        let skills: Vec<String> = p.skills.iter().map(|s| (*s).to_string()).collect();
        let project = projects::publish(
            db,
            &member,
            NewProject {
                company_id: company_ids[p.company],
                title: p.title,
                description: p.description,
                category: p.category,
                skills: &skills,
                budget: yen(p.budget_jpy)?,
                deadline: None,
                visibility: if p.all_alumni {
                    ProjectVisibility::AllAlumni
                } else {
                    ProjectVisibility::CompanyAlumni
                },
                delivery_method: None,
            },
        )
        .await
        .with_context(|| format!("publishing {}", p.title))?;
        project_ids.push(project.id);
    }

    for b in &data::BIDS {
        let alumnus = access(db, alumni_ids[b.alumnus]).await?;
        bids::place(
            db,
            &alumnus,
            NewBid {
                project_id: project_ids[b.project],
                amount: yen(b.amount_jpy)?,
                delivery_days: b.days,
                proposal: b.proposal,
                milestones: None,
            },
        )
        .await
        .with_context(|| format!("a bid on project {}", b.project))?;
    }

    // The contract half-way through its milestones.
    let (project, who, proposal) = data::HALF_WAY;
    let plan: Vec<NewMilestone<'_>> = data::HALF_WAY_MILESTONES
        .iter()
        .map(|(title, amount)| {
            Ok(NewMilestone {
                title,
                amount: yen(*amount)?,
                due_date: None,
            })
        })
        .collect::<anyhow::Result<_>>()?;
    let total: u32 = data::HALF_WAY_MILESTONES.iter().map(|(_, a)| a).sum();
    let company = data::PROJECTS[project].company;
    let freelancer = access(db, alumni_ids[who]).await?;
    let member = access(db, staff_ids[company][1]).await?;
    let finance = access(db, staff_ids[company][2]).await?;
    let bid = bids::place(
        db,
        &freelancer,
        NewBid {
            project_id: project_ids[project],
            amount: yen(total)?,
            delivery_days: 60,
            proposal,
            milestones: Some(&plan),
        },
    )
    .await
    .context("the half-way contract's bid")?;
    let contract = bids::accept(db, &member, bid.id).await?;
    let steps = milestones::of_contract(db, contract.id).await?;
    let [first, second, ..] = steps.as_slice() else {
        anyhow::bail!("the half-way contract has fewer than two milestones");
    };
    deliver(
        db,
        &freelancer,
        first.id,
        "分析設計書と、データ項目の定義一覧をお送りします。",
    )
    .await?;
    delivery::accept(db, &member, first.id).await?;
    let invoice = invoices::submit(
        db,
        &freelancer,
        contract.id,
        Some(first.id),
        yen(data::HALF_WAY_MILESTONES[0].1)?,
        "「現状データの把握と分析設計」の業務委託料としてご請求いたします。",
        Default::default(),
    )
    .await
    .context("invoicing the first milestone")?;
    invoices::approve(db, &finance, invoice.id).await?;
    let payout = payout::Entity::find()
        .filter(payout::Column::InvoiceId.eq(invoice.id))
        .one(db)
        .await?
        .context("the approved invoice has no payout")?;
    payouts::mark_paid(
        db,
        &finance,
        payout.id,
        "振込 さくら銀行 本店営業部 受付番号 0012345",
    )
    .await
    .context("recording the bank transfer")?;
    deliver(
        db,
        &freelancer,
        second.id,
        "要因分析の結果（中間報告書）を共有いたします。ご確認をお願いいたします。",
    )
    .await?;

    // A finished milestone invoiced and waiting for the finance clerk.
    let (project, who, proposal) = data::AWAITING_FINANCE;
    let company = data::PROJECTS[project].company;
    let freelancer = access(db, alumni_ids[who]).await?;
    let member = access(db, staff_ids[company][1]).await?;
    let amount = data::PROJECTS[project].budget_jpy;
    let bid = bids::place(
        db,
        &freelancer,
        NewBid {
            project_id: project_ids[project],
            amount: yen(amount)?,
            delivery_days: 20,
            proposal,
            milestones: None,
        },
    )
    .await
    .context("the second contract's bid")?;
    let contract = bids::accept(db, &member, bid.id).await?;
    let steps = milestones::of_contract(db, contract.id).await?;
    let only = steps.first().context("the contract has no milestone")?;
    deliver(
        db,
        &freelancer,
        only.id,
        "自動集計スクリプトと操作手順書を納品いたします。",
    )
    .await?;
    delivery::accept(db, &member, only.id).await?;
    // She is a registered sole proprietor; her invoice adds the tax on top and bills a short
    // training session apart from the automation, which finance marks as a lecture fee.
    payees::update(
        db,
        &freelancer,
        PayeeProfile {
            payee_type: PayeeType::Individual,
            registration_number: Some(data::AWAITING_FINANCE_REGISTRATION.into()),
            legal_name: None,
            address: Some("東京都世田谷区若林1-2-3".into()),
        },
    )
    .await
    .context("her payee profile")?;
    let training = 30_000;
    let lines = vec![
        LineInput {
            description: "月次営業レポート集計の自動化".into(),
            amount: yen(amount - training)?,
            rate: TaxRate::Standard10,
        },
        LineInput {
            description: "営業企画部向け操作説明会の講師".into(),
            amount: yen(training)?,
            rate: TaxRate::Standard10,
        },
    ];
    let invoice = invoices::submit(
        db,
        &freelancer,
        contract.id,
        Some(only.id),
        yen(amount)?,
        "代理店向け月次営業レポートの集計自動化の業務委託料としてご請求いたします。",
        InvoiceTax {
            lines: Some(lines),
            tax_shown_separately: true,
        },
    )
    .await
    .context("the invoice awaiting finance")?;
    let clerk = access(db, staff_ids[company][2]).await?;
    let lecture = invoice_tax::lines_of(db, [invoice.id])
        .await?
        .into_iter()
        .nth(1)
        .context("the invoice's second line")?;
    invoice_tax::set_withholding(
        db,
        &clerk,
        lecture.id,
        true,
        "講師料（所得税法第204条第1項第1号）に当たるため、源泉徴収の対象とします。",
    )
    .await
    .context("the lecture line's withholding")?;
    directory::seed(db, company_ids[0], staff_ids[0][0], &alumni_ids[..3]).await?;
    events::seed(db, &staff_ids, &alumni_ids, &company_ids).await?;
    news_rehire::seed(db, company_ids[0], staff_ids[0][1], &alumni_ids).await?;
    notifications::seed(db, &access(db, alumni_ids[0]).await?.actor).await?;
    Ok(Outcome::Seeded(logins))
}

/// What `seed-demo` and `serve --demo` print.
pub fn describe(outcome: &Outcome) -> String {
    match outcome {
        Outcome::NotEmpty => {
            "The database already has users or companies; no demo data was added.\n".into()
        }
        Outcome::Seeded(logins) => {
            let mut out =
                format!("Demo data added. Every login below uses the password: {PASSWORD}\n");
            for login in logins {
                out.push_str(&format!(
                    "  {:<45} {} ({})\n",
                    login.email, login.name, login.what
                ));
            }
            out
        }
    }
}

fn role_name(role: CompanyRole) -> &'static str {
    match role {
        CompanyRole::Admin => "ADMIN",
        CompanyRole::Member => "MEMBER",
        CompanyRole::Finance => "FINANCE",
    }
}

fn yen(amount: u32) -> anyhow::Result<Money> {
    Ok(Money::parse(
        &amount.to_string(),
        Currency::Jpy,
        "demo amount",
    )?)
}

async fn sign_up(db: &DatabaseConnection, person: &data::Person) -> anyhow::Result<i64> {
    let session = accounts::sign_up(
        db,
        SignUp {
            email: person.email,
            password: PASSWORD,
            display_name: person.name,
        },
    )
    .await
    .with_context(|| format!("signing up {}", person.email))?;
    Ok(session.user.id)
}

/// Redeems every queued verification mail's token, as the people clicking their links would.
/// Runs before the server (and its mail worker) starts, so the letters are all here to read.
async fn verify_all(db: &DatabaseConnection) -> anyhow::Result<()> {
    let links = Links {
        public_url: "http://demo.invalid".into(),
    };
    for _ in 0..10_000 {
        match email_ownership::next_letter(db, &links).await? {
            Next::Idle => return Ok(()),
            Next::Closed => {}
            Next::Send(letter) => {
                let token = letter
                    .link
                    .split_once("token=")
                    .map(|(_, token)| token.to_string())
                    .context("a verification link without a token")?;
                email_ownership::verify(db, &token).await?;
                email_ownership::delivered(db, &letter).await?;
            }
        }
    }
    anyhow::bail!("the mail outbox did not empty")
}

async fn access(db: &DatabaseConnection, user_id: i64) -> anyhow::Result<Access> {
    Ok(Access::load(db, user_id, true).await?)
}

async fn deliver(
    db: &DatabaseConnection,
    freelancer: &Access,
    milestone_id: i64,
    note: &str,
) -> anyhow::Result<()> {
    delivery::submit(db, freelancer, milestone_id, Delivery { note, links: &[] })
        .await
        .with_context(|| format!("delivering milestone {milestone_id}"))?;
    Ok(())
}
