use async_graphql::{Context, ID, InputObject, Object};
use chrono::NaiveDate;

use crate::domain::bank_accounts::{self, AccountInput};
use crate::domain::error::DomainError;
use crate::domain::transfer_batches;
use crate::graphql::context::{access, db};
use crate::graphql::errors::OrGql;
use crate::graphql::ids;
use crate::graphql::types::{
    BankAccount, BankAccountType, CompanyBankAccount, CreatedTransferBatch, TransferBatch,
    TransferCandidate,
};

#[derive(Default)]
pub struct BankMutation;

/// A Japanese bank account. Names may be typed in full-width katakana or hiragana; they are
/// stored in half-width katakana as the Zengin file holds them.
#[derive(InputObject)]
pub struct SetBankAccountInput {
    pub bank_code: String,
    pub bank_name: String,
    pub branch_code: String,
    pub branch_name: String,
    pub account_type: BankAccountType,
    pub account_number: String,
    pub holder_kana: String,
}

#[derive(InputObject)]
pub struct SetCompanyBankAccountInput {
    pub company_id: ID,
    /// 委託者コード: 10 digits.
    pub consignor_code: String,
    pub consignor_name: String,
    pub bank_code: String,
    pub bank_name: String,
    pub branch_code: String,
    pub branch_name: String,
    pub account_type: BankAccountType,
    pub account_number: String,
}

#[derive(InputObject)]
pub struct CreateTransferBatchInput {
    pub company_id: ID,
    /// YYYY-MM-DD, today or later.
    pub transfer_date: String,
    /// The payouts to pay; all the company's approved manual payouts when omitted.
    pub payout_ids: Option<Vec<ID>>,
}

#[derive(InputObject)]
pub struct MarkTransferBatchPaidInput {
    pub batch_id: ID,
    /// The bank's reference for the executed batch.
    pub reference: String,
}

#[Object]
impl BankMutation {
    /// Records or replaces the caller's own bank account, which her payouts by bank transfer
    /// are paid to.
    async fn set_bank_account(
        &self,
        ctx: &Context<'_>,
        input: SetBankAccountInput,
    ) -> async_graphql::Result<BankAccount> {
        let access = access(ctx).await?;
        let account = AccountInput {
            bank_code: input.bank_code,
            bank_name: input.bank_name,
            branch_code: input.branch_code,
            branch_name: input.branch_name,
            account_type: input.account_type.into(),
            account_number: input.account_number,
        };
        Ok(BankAccount(
            bank_accounts::set_own(db(ctx), access, &account, &input.holder_kana)
                .await
                .gql()?,
        ))
    }

    /// Records or replaces the account the company pays from. ADMIN or FINANCE.
    async fn set_company_bank_account(
        &self,
        ctx: &Context<'_>,
        input: SetCompanyBankAccountInput,
    ) -> async_graphql::Result<CompanyBankAccount> {
        let access = access(ctx).await?;
        let company_id = ids::decode(&input.company_id, "Company", "company").gql()?;
        let account = AccountInput {
            bank_code: input.bank_code,
            bank_name: input.bank_name,
            branch_code: input.branch_code,
            branch_name: input.branch_name,
            account_type: input.account_type.into(),
            account_number: input.account_number,
        };
        Ok(CompanyBankAccount(
            bank_accounts::set_company(
                db(ctx),
                access,
                company_id,
                &input.consignor_code,
                &input.consignor_name,
                &account,
            )
            .await
            .gql()?,
        ))
    }

    /// Writes a Zengin 総合振込 file of the company's approved manual payouts for a transfer
    /// date and records it as an OPEN batch; payouts that cannot be written are returned as
    /// blocked. FINANCE.
    async fn create_transfer_batch(
        &self,
        ctx: &Context<'_>,
        input: CreateTransferBatchInput,
    ) -> async_graphql::Result<CreatedTransferBatch> {
        let access = access(ctx).await?;
        let company_id = ids::decode(&input.company_id, "Company", "company").gql()?;
        let date = NaiveDate::parse_from_str(input.transfer_date.trim(), "%Y-%m-%d")
            .map_err(|_| DomainError::bad_input("input.transferDate", "not a date (YYYY-MM-DD)"))
            .gql()?;
        let payout_ids = input
            .payout_ids
            .as_ref()
            .map(|ids| {
                ids.iter()
                    .map(|id| {
                        ids::decode(id, "Payout", "payout").map_err(|_| {
                            DomainError::bad_input("input.payoutIds", "not a payout id")
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()
            .gql()?;
        let created =
            transfer_batches::create(db(ctx), access, company_id, date, payout_ids.as_deref())
                .await
                .gql()?;
        Ok(CreatedTransferBatch(
            created.batch,
            created
                .blocked
                .into_iter()
                .map(|(p, b)| TransferCandidate(p, Some(b)))
                .collect(),
        ))
    }

    /// Records the bank's execution of a batch: every payout of it becomes PAID with the
    /// reference, in one step; if any changed since the file was made, nothing is recorded
    /// (CONFLICT). FINANCE.
    async fn mark_transfer_batch_paid(
        &self,
        ctx: &Context<'_>,
        input: MarkTransferBatchPaidInput,
    ) -> async_graphql::Result<TransferBatch> {
        let access = access(ctx).await?;
        let id = ids::decode(&input.batch_id, "TransferBatch", "transfer batch").gql()?;
        Ok(TransferBatch(
            transfer_batches::mark_paid(db(ctx), access, id, &input.reference)
                .await
                .gql()?,
        ))
    }
}
