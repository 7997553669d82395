//! The authorization matrix: every query, mutation and tenant-data edge × every actor, run
//! against the real server. A new operation or edge without a row fails
//! `every_operation_and_tenant_edge_has_a_row`.
//!
//! Outcomes: `O` answered with data · `E` answered, but empty or null · `A` allowed past
//! authorization (data, or a state/input error such as CONFLICT) · `N` NOT_FOUND ·
//! `F` FORBIDDEN · `U` UNAUTHENTICATED.
use std::collections::{BTreeSet, HashMap};

use boomerang::config::Secret;
use boomerang_tests::flow::*;
use boomerang_tests::stripe_mock::StripeMock;
use boomerang_tests::{TestDb, TestServer, error_code};
use serde_json::{Value, json};

use crate::reviews::{REVIEW, review_input};

/// Column order of every row's outcome string.
const ACTORS: [&str; 10] = [
    "anon", "outsider", "alumA", "alumB", "bidder", "memberA", "adminA", "financeA", "adminB",
    "financeB",
];

struct Row {
    /// `Query.x`, `Mutation.x` or `Type.field`.
    name: &'static str,
    query: &'static str,
    /// Where the answer's data is checked for `O` and `E`.
    path: &'static str,
    /// One letter per actor, in `ACTORS` order.
    expect: &'static str,
}

const fn row(
    name: &'static str,
    query: &'static str,
    path: &'static str,
    expect: &'static str,
) -> Row {
    Row {
        name,
        query,
        path,
        expect,
    }
}

/// Read-only rows first, then the mutations, the session-ending ones last.
const ROWS: &[Row] = &[
    row("Query.viewer", "{ viewer { id } }", "/viewer", "EOOOOOOOOO"),
    row(
        "User.email",
        "{ viewer { email } }",
        "/viewer/email",
        "EOOOOOOOOO",
    ),
    row(
        "User.emailVerified",
        "{ viewer { emailVerified } }",
        "/viewer/emailVerified",
        "EOOOOOOOOO",
    ),
    row(
        "User.memberships",
        "{ viewer { memberships { id } } }",
        "/viewer/memberships",
        "EEEEEOOOOO",
    ),
    row(
        "User.alumniOf",
        "{ viewer { alumniOf { id } } }",
        "/viewer/alumniOf",
        "EEOOOEEEEE",
    ),
    row(
        "User.payoutAccount",
        "{ viewer { payoutAccount { stripeAccountId } } }",
        "/viewer/payoutAccount",
        "EEEEEEEEEE",
    ),
    row(
        "User.bankAccount",
        "{ viewer { bankAccount { accountNumber } } }",
        "/viewer/bankAccount",
        "EEEEOEEEEE",
    ),
    row(
        "User.bankAccount (the freelancer's, as the company's staff see her)",
        "query($contract: ID!) { contract(id: $contract) { freelancer { bankAccount { accountNumber } } } }",
        "/contract/freelancer/bankAccount",
        "UNNNOEEENN",
    ),
    row(
        "Company.bankAccount",
        "query($company: ID!) { company(id: $company) { bankAccount { consignorCode accountNumber } } }",
        "/company/bankAccount",
        "UNENEEOONN",
    ),
    row(
        "Company.transferCandidates",
        "query($company: ID!) { company(id: $company) { transferCandidates { payout { id } blocked } } }",
        "/company/transferCandidates",
        "UNENEEEONN",
    ),
    row(
        "Company.transferBatches",
        "query($company: ID!) { company(id: $company) { transferBatches { id fileBase64 } } }",
        "/company/transferBatches",
        "UNENEEOONN",
    ),
    row(
        "TransferBatch.payouts",
        "query($company: ID!) { company(id: $company) { transferBatches { payouts { id } } } }",
        "/company/transferBatches",
        "UNENEEOONN",
    ),
    row(
        "Query.node",
        "query($company: ID!) { node(id: $company) { id } }",
        "/node",
        "UNONOOOONN",
    ),
    row(
        "Query.alumniDirectory",
        "query($company: ID!) { alumniDirectory(companyId: $company) { edges { node { id } } } }",
        "/alumniDirectory",
        "UNFNEOOONN",
    ),
    row(
        "Alumni.wouldRehire",
        "query($company: ID!) { alumniDirectory(companyId: $company) { edges { node { wouldRehire } } } }",
        "/alumniDirectory/edges/0/node/wouldRehire",
        "UNFNEOOONN",
    ),
    row(
        "User.profile",
        "{ viewer { profile { headline } } }",
        "/viewer/profile",
        "EEEEOEEEEE",
    ),
    row(
        "User.profile (the freelancer's, listed in the company's directory)",
        "query($contract: ID!) { contract(id: $contract) { freelancer { profile { headline bio } } } }",
        "/contract/freelancer/profile",
        "UNNNOOOONN",
    ),
    row(
        "Query.myDataAt",
        "query($company: ID!) { myDataAt(companyId: $company) { records { kind count } } }",
        "/myDataAt",
        "UNONONNNNN",
    ),
    row(
        "Query.company",
        "query($company: ID!) { company(id: $company) { name } }",
        "/company",
        "UNONOOOONN",
    ),
    row(
        "Query.news",
        "query($company: ID!) { news(companyId: $company) { edges { node { id bodyHtml } } } }",
        "/news",
        "UNONNOOONN",
    ),
    row(
        "Query.newsPost",
        "query($newsPost: ID!) { newsPost(id: $newsPost) { id } }",
        "/newsPost",
        "UNONNOOONN",
    ),
    row(
        "NewsPost.readerCount",
        "query($newsPost: ID!) { newsPost(id: $newsPost) { readerCount } }",
        "/newsPost/readerCount",
        "UNENNOOONN",
    ),
    row(
        "Query.openings",
        "query($company: ID!) { openings(companyId: $company) { edges { node { id } } } }",
        "/openings",
        "UNONNOOONN",
    ),
    row(
        "Query.opening",
        "query($opening: ID!) { opening(id: $opening) { id } }",
        "/opening",
        "UNONNOOONN",
    ),
    row(
        "Opening.applications",
        "query($opening: ID!) { opening(id: $opening) { applications { id applicant { id } } } }",
        "/opening/applications",
        "UNENNOOONN",
    ),
    row(
        "Opening.myApplication",
        "query($opening: ID!) { opening(id: $opening) { myApplication { id } } }",
        "/opening/myApplication",
        "UNONNEEENN",
    ),
    row(
        "Query.myApplications",
        "{ myApplications { id history { to } } }",
        "/myApplications",
        "UEOEEEEEEE",
    ),
    row(
        "Query.rehireMetrics",
        "query($company: ID!) { rehireMetrics(companyId: $company, from: \"2026-01-01\", to: \"2026-12-31\") { applications } }",
        "/rehireMetrics",
        "UNFNFOOFNN",
    ),
    row(
        "Company.members",
        "query($company: ID!) { company(id: $company) { members { id } } }",
        "/company/members",
        "UNENEOOONN",
    ),
    row(
        "CompanyMember.user",
        "query($company: ID!) { company(id: $company) { members { user { id } } } }",
        "/company/members",
        "UNENEOOONN",
    ),
    row(
        "Company.alumni",
        "query($company: ID!) { company(id: $company) { alumni { id } } }",
        "/company/alumni",
        "UNENEEOENN",
    ),
    row(
        "Company.projects",
        "query($company: ID!) { company(id: $company) { projects { edges { node { id } } } } }",
        "/company/projects",
        "UNONOOOONN",
    ),
    row(
        "Query.project",
        "query($project: ID!) { project(id: $project) { title } }",
        "/project",
        "UNONOOOONN",
    ),
    row(
        "Project.bids",
        "query($project: ID!) { project(id: $project) { bids { edges { node { id } } } } }",
        "/project/bids",
        "UNENOOOONN",
    ),
    row(
        "Project.contract",
        "query($project: ID!) { project(id: $project) { contract { id } } }",
        "/project/contract",
        "UNENOOOONN",
    ),
    row(
        "Project.auditTrail",
        "query($project: ID!) { project(id: $project) { auditTrail { action } } }",
        "/project/auditTrail",
        "UNENEOOONN",
    ),
    row(
        "Query.projects",
        "{ projects { edges { node { id } } } }",
        "/projects",
        "UEOEOOOOEE",
    ),
    row(
        "Query.bid",
        "query($bid: ID!) { bid(id: $bid) { id } }",
        "/bid",
        "UNNNOOOONN",
    ),
    row(
        "Bid.bidder",
        "query($bid: ID!) { bid(id: $bid) { bidder { email } } }",
        "/bid/bidder/email",
        "UNNNOEEENN",
    ),
    row(
        "Query.contract",
        "query($contract: ID!) { contract(id: $contract) { id } }",
        "/contract",
        "UNNNOOOONN",
    ),
    row(
        "Contract.invoices",
        "query($contract: ID!) { contract(id: $contract) { invoices { edges { node { id } } } } }",
        "/contract/invoices",
        "UNNNOOOONN",
    ),
    row(
        "Contract.auditTrail",
        "query($contract: ID!) { contract(id: $contract) { auditTrail { action } } }",
        "/contract/auditTrail",
        "UNNNOOOONN",
    ),
    row(
        "Contract.reviews",
        "query($reviewable: ID!) { contract(id: $reviewable) { reviews { rating } } }",
        "/contract/reviews",
        "UNNNEOOONN",
    ),
    row(
        "User.bids",
        "{ viewer { bids { nodes { id } } } }",
        "/viewer/bids/nodes",
        "EEEEOEEEEE",
    ),
    row(
        "User.bids (another user's: staff who see the bidder do not see her bids)",
        "query($bid: ID!) { bid(id: $bid) { bidder { bids { nodes { id } } } } }",
        "/bid/bidder/bids/nodes",
        "UNNNOEEENN",
    ),
    row(
        "User.rating",
        "query($contract: ID!) { contract(id: $contract) { freelancer { rating { count } } } }",
        "/contract/freelancer/rating",
        "UNNNOOOONN",
    ),
    row(
        "Query.contracts",
        "{ contracts { edges { node { id } } } }",
        "/contracts",
        "UEEEOOOOEE",
    ),
    row(
        "Contract.termsStatement",
        "query($contract: ID!) { contract(id: $contract) { termsStatement { version issuedAt reason text } } }",
        "/contract/termsStatement",
        "UNNNOOOONN",
    ),
    row(
        "Contract.termsStatements",
        "query($contract: ID!) { contract(id: $contract) { termsStatements { version text } } }",
        "/contract/termsStatements",
        "UNNNOOOONN",
    ),
    row(
        "Query.overdueInvoices",
        "query($company: ID!) { overdueInvoices(companyId: $company) { id } }",
        "/overdueInvoices",
        "UNFNFFEENN",
    ),
    row(
        "Company.paymentTermsDays",
        "query($company: ID!) { company(id: $company) { paymentTermsDays } }",
        "/company",
        "UNONOOOONN",
    ),
    row(
        "Project.deliveryMethod",
        "query($project: ID!) { project(id: $project) { deliveryMethod } }",
        "/project",
        "UNONOOOONN",
    ),
    row(
        "Contract.milestones",
        "query($contract: ID!) { contract(id: $contract) { milestones { id } } }",
        "/contract/milestones",
        "UNNNOOOONN",
    ),
    row(
        "Bid.milestones",
        "query($bid: ID!) { bid(id: $bid) { milestones { title } } }",
        "/bid/milestones",
        "UNNNOOOONN",
    ),
    row(
        "Query.node (milestone)",
        "query($milestone: ID!) { node(id: $milestone) { id } }",
        "/node",
        "UNNNOOOONN",
    ),
    row(
        "Milestone.auditTrail",
        "query($milestone: ID!) { node(id: $milestone) { ... on Milestone { auditTrail { action } } } }",
        "/node/auditTrail",
        "UNNNOOOONN",
    ),
    row(
        "Query.invoice",
        "query($invoice: ID!) { invoice(id: $invoice) { id } }",
        "/invoice",
        "UNNNOOOONN",
    ),
    row(
        "Invoice.payout",
        "query($invoice: ID!) { invoice(id: $invoice) { payout { id } } }",
        "/invoice/payout",
        "UNNNOOOONN",
    ),
    row(
        "Invoice.lines",
        "query($invoice: ID!) { invoice(id: $invoice) { lines { id } } }",
        "/invoice/lines",
        "UNNNOOOONN",
    ),
    row(
        "Invoice.taxByRate",
        "query($invoice: ID!) { invoice(id: $invoice) { taxByRate { rate } } }",
        "/invoice/taxByRate",
        "UNNNOOOONN",
    ),
    row(
        "User.payeeProfile",
        "{ viewer { payeeProfile { payeeType } } }",
        "/viewer/payeeProfile",
        "EOOOOOOOOO",
    ),
    row(
        "Invoice.auditTrail",
        "query($invoice: ID!) { invoice(id: $invoice) { auditTrail { action } } }",
        "/invoice/auditTrail",
        "UNNNOOOONN",
    ),
    row(
        "Query.invoices",
        "{ invoices { edges { node { id } } } }",
        "/invoices",
        "UEEEOOOOEE",
    ),
    row(
        "Query.invoiceTotals",
        "{ invoiceTotals(filter: { orderBy: DUE_DATE }) { amount currencyCode } }",
        "/invoiceTotals",
        "UEEEOOOOEE",
    ),
    row(
        "Query.payouts",
        "{ payouts { edges { node { id } } } }",
        "/payouts",
        "UEEEOEOOEE",
    ),
    row(
        "Query.payout",
        "query($payout: ID!) { payout(id: $payout) { id } }",
        "/payout",
        "UNNNOOOONN",
    ),
    row(
        "Query.node (payout)",
        "query($payout: ID!) { node(id: $payout) { id } }",
        "/node",
        "UNNNOOOONN",
    ),
    row(
        "Mutation.signUp",
        "mutation($email: String!) { signUp(input: { email: $email, password: \"matrix password 123\", displayName: \"M\" }) { token } }",
        "/signUp",
        "OOOOOOOOOO",
    ),
    row(
        "Mutation.logIn",
        "mutation($email: String!) { logIn(input: { email: $email, password: \"matrix password 123\" }) { token } }",
        "/logIn",
        "OOOOOOOOOO",
    ),
    row(
        "Mutation.verifyEmail",
        "mutation { verifyEmail(token: \"not-a-code\") { id } }",
        "/verifyEmail",
        "AAAAAAAAAA",
    ),
    row(
        "Mutation.requestEmailVerification",
        "mutation { requestEmailVerification }",
        "/requestEmailVerification",
        "UAAAAAAAAA",
    ),
    row(
        "Mutation.requestPasswordReset",
        "mutation($email: String!) { requestPasswordReset(email: $email) }",
        "/requestPasswordReset",
        "OOOOOOOOOO",
    ),
    row(
        "Mutation.resetPassword",
        "mutation { resetPassword(input: { token: \"not-a-code\", newPassword: \"matrix password 456\" }) }",
        "/resetPassword",
        "AAAAAAAAAA",
    ),
    row(
        "Mutation.createCompany",
        "mutation { createCompany(input: { name: \"Side venture\" }) { id } }",
        "/createCompany",
        "UOOOOOOOOO",
    ),
    row(
        "Mutation.addCompanyMember",
        "mutation($company: ID!, $spareEmail: String!) { addCompanyMember(input: { companyId: $company, email: $spareEmail, role: MEMBER }) { id } }",
        "/addCompanyMember",
        "UNFNFFOFNN",
    ),
    row(
        "Mutation.addAlumni",
        "mutation($company: ID!) { addAlumni(input: { companyId: $company, emails: [\"later@alumni.example\"] }) { id } }",
        "/addAlumni",
        "UNFNFFOFNN",
    ),
    row(
        "Mutation.publishProject",
        "mutation($company: ID!) { publishProject(input: { companyId: $company, title: \"T\", description: \"D\", budget: { amount: \"1000\", currencyCode: JPY } }) { id } }",
        "/publishProject",
        "UNFNFOOFNN",
    ),
    row(
        "Mutation.placeBid",
        "mutation($open: ID!) { placeBid(input: { projectId: $open, amount: { amount: \"900\", currencyCode: JPY }, deliveryDays: 3, proposal: \"P\" }) { id } }",
        "/placeBid",
        "UNANAFFFNN",
    ),
    row(
        "Mutation.withdrawBid",
        "mutation($pending: ID!) { withdrawBid(id: $pending) { id } }",
        "/withdrawBid",
        "UNNNAFFFNN",
    ),
    row(
        "Mutation.acceptBid",
        "mutation($acceptable: ID!) { acceptBid(id: $acceptable) { id } }",
        "/acceptBid",
        "UNNNFAAFNN",
    ),
    row(
        "Mutation.closeProject",
        "mutation($closable: ID!) { closeProject(id: $closable) { id } }",
        "/closeProject",
        "UNFNFAAFNN",
    ),
    row(
        "Query.complianceReport",
        "query($company: ID!) { complianceReport(companyId: $company, from: \"2026-01-01\", to: \"2026-12-31\") { from changesRequested { code count } } }",
        "/complianceReport",
        "UNFNFFOONN",
    ),
    row(
        "ComplianceReport.endedByCompany",
        "query($company: ID!) { complianceReport(companyId: $company, from: \"2026-01-01\", to: \"2026-12-31\") { endedByCompany { id } } }",
        "/complianceReport",
        "UNFNFFOONN",
    ),
    row(
        "Query.withholdingReport",
        "query($company: ID!) { withholdingReport(companyId: $company, month: \"2026-04\") { month total { amount } entries { payoutId } } }",
        "/withholdingReport",
        "UNFNFFOONN",
    ),
    row(
        "Query.paymentRecords",
        "query($company: ID!) { paymentRecords(companyId: $company, year: 2026) { year records { name } } }",
        "/paymentRecords",
        "UNFNFFOONN",
    ),
    row(
        "Query.financeExport",
        "query($company: ID!) { financeExport(companyId: $company, from: \"2026-01-01\", to: \"2026-12-31\") { invoices { invoiceId } payouts { payoutId } withholding { payoutId } } }",
        "/financeExport",
        "UNFNFFOONN",
    ),
    row(
        "Contract.endsOn",
        "query($contract: ID!) { contract(id: $contract) { endsOn endedByCompany endReasonRequested endReason } }",
        "/contract",
        "UNNNOOOONN",
    ),
    row(
        "Mutation.submitDelivery",
        "mutation($deliverable: ID!) { submitDelivery(input: { milestoneId: $deliverable, note: \"N\" }) { id } }",
        "/submitDelivery",
        "UNNNAFFFNN",
    ),
    row(
        "Mutation.requestChanges",
        "mutation($changeable: ID!) { requestChanges(input: { milestoneId: $changeable, reason: \"R\", reasonCode: DEFECT }) { id } }",
        "/requestChanges",
        "UNNNFAAFNN",
    ),
    row(
        "Mutation.acceptDelivery",
        "mutation($acceptableDelivery: ID!) { acceptDelivery(milestoneId: $acceptableDelivery) { id } }",
        "/acceptDelivery",
        "UNNNFAAFNN",
    ),
    row(
        "Mutation.updateCompanySettings (paymentTermsDays)",
        "mutation($company: ID!) { updateCompanySettings(input: { companyId: $company, paymentTermsDays: 30 }) { paymentTermsDays } }",
        "/updateCompanySettings",
        "UNFNFFOFNN",
    ),
    row(
        "Mutation.updateCompanySettings",
        "mutation($company: ID!) { updateCompanySettings(input: { companyId: $company, reviewWindowDays: 7 }) { id } }",
        "/updateCompanySettings",
        "UNFNFFOFNN",
    ),
    row(
        "Mutation.submitInvoice",
        "mutation($contract: ID!) { submitInvoice(input: { contractId: $contract, amount: { amount: \"1\", currencyCode: JPY }, description: \"D\" }) { id } }",
        "/submitInvoice",
        "UNNNAFFFNN",
    ),
    row(
        "Mutation.grantConsent",
        "mutation($company: ID!) { grantConsent(input: { companyId: $company, purpose: NEWS }) { id } }",
        "/grantConsent",
        "UNANANNNNN",
    ),
    row(
        "User.consents",
        "{ viewer { consents { id } } }",
        "/viewer/consents",
        "EEOEOEEEEE",
    ),
    row(
        "Mutation.withdrawConsent",
        "mutation($company: ID!) { withdrawConsent(input: { companyId: $company, purpose: NEWS }) { id } }",
        "/withdrawConsent",
        "UNANANNNNN",
    ),
    // Events and speakers (issue 13 §6); alumA consents to A's events, bidder does not.
    row(
        "Query.events",
        "query($company: ID!) { events(companyId: $company) { id } }",
        "/events",
        "UNONEOOONN",
    ),
    row(
        "Query.event",
        "query($event: ID!) { event(id: $event) { id } }",
        "/event",
        "UNONNOOONN",
    ),
    row(
        "Event.speakerInvitations",
        "query($event: ID!) { event(id: $event) { speakerInvitations { id } } }",
        "/event/speakerInvitations",
        "UNONNOOONN",
    ),
    row(
        "Event.invitableSpeakers",
        "query($event: ID!) { event(id: $event) { invitableSpeakers { id } } }",
        "/event/invitableSpeakers",
        "UNENNOOONN",
    ),
    row(
        "Query.speakerInvitations",
        "{ speakerInvitations { id } }",
        "/speakerInvitations",
        "UEOEEEEEEE",
    ),
    row(
        "Mutation.createEvent",
        "mutation($company: ID!) { createEvent(input: { companyId: $company, title: \"E\", kind: OTHER, startsAt: \"2099-01-01T10:00:00Z\", endsAt: \"2099-01-01T12:00:00Z\", place: \"P\", online: true, capacity: 5 }) { id } }",
        "/createEvent",
        "UNFNFAAFNN",
    ),
    row(
        "Mutation.rsvp",
        "mutation($event: ID!) { rsvp(eventId: $event) { id } }",
        "/rsvp",
        "UNANNFFFNN",
    ),
    row(
        "Mutation.cancelRsvp",
        "mutation($event: ID!) { cancelRsvp(eventId: $event) { id } }",
        "/cancelRsvp",
        "UNANNAAANN",
    ),
    row(
        "Mutation.inviteSpeaker",
        "mutation($event: ID!, $alumAUser: ID!) { inviteSpeaker(input: { eventId: $event, userId: $alumAUser, topic: \"T\", honorarium: { amount: \"1000\", currencyCode: JPY } }) { id } }",
        "/inviteSpeaker",
        "UNFNNAAFNN",
    ),
    row(
        "Mutation.acceptSpeakerInvitation",
        "mutation($honorarium: ID!) { acceptSpeakerInvitation(id: $honorarium) { id } }",
        "/acceptSpeakerInvitation",
        "UNANNFFFNN",
    ),
    row(
        "Mutation.declineSpeakerInvitation",
        "mutation($declinable: ID!) { declineSpeakerInvitation(id: $declinable) { id } }",
        "/declineSpeakerInvitation",
        "UNANNFFFNN",
    ),
    row(
        "Mutation.invoiceHonorarium",
        "mutation($honorarium: ID!) { invoiceHonorarium(invitationId: $honorarium) { id } }",
        "/invoiceHonorarium",
        "UNANNFFFNN",
    ),
    row(
        "User.notifications",
        "{ viewer { notifications { edges { node { id message } } } } }",
        "/viewer/notifications/edges",
        "EEOEOOOOEE",
    ),
    row(
        "User.unreadNotificationCount",
        "{ viewer { unreadNotificationCount } }",
        "/viewer/unreadNotificationCount",
        "EOOOOOOOOO",
    ),
    row(
        "User.notificationPreferences",
        "{ viewer { notificationPreferences { kind delivery } } }",
        "/viewer/notificationPreferences",
        "EOOOOOOOOO",
    ),
    row(
        "Mutation.markNotificationsRead",
        "mutation { markNotificationsRead(input: { all: true }) { marked unreadCount } }",
        "/markNotificationsRead",
        "UAAAAAAAAA",
    ),
    row(
        "Mutation.setNotificationPreference",
        "mutation { setNotificationPreference(input: { kind: NEWS_POSTED, delivery: OFF }) { kind delivery } }",
        "/setNotificationPreference",
        "UAAAAAAAAA",
    ),
    row(
        "Mutation.setInvoiceLineWithholding",
        "mutation($line: ID!) { setInvoiceLineWithholding(input: { lineId: $line, subject: true, reason: \"R\" }) { id } }",
        "/setInvoiceLineWithholding",
        "UNNNFFFANN",
    ),
    row(
        "Mutation.updatePayeeProfile",
        "mutation { updatePayeeProfile(input: { payeeType: INDIVIDUAL }) { id } }",
        "/updatePayeeProfile",
        "UAAAAAAAAA",
    ),
    row(
        "Mutation.approveInvoice",
        "mutation($submitted: ID!) { approveInvoice(id: $submitted) { id } }",
        "/approveInvoice",
        "UNNNFFFANN",
    ),
    row(
        "Mutation.rejectInvoice",
        "mutation($rejectable: ID!) { rejectInvoice(input: { id: $rejectable, reason: \"No\", reasonCode: BILLING_ERROR }) { id } }",
        "/rejectInvoice",
        "UNNNFFFANN",
    ),
    row(
        "Mutation.markPayoutPaid",
        "mutation($payout: ID!) { markPayoutPaid(input: { payoutId: $payout, reference: \"R\" }) { id } }",
        "/markPayoutPaid",
        "UNNNFFFANN",
    ),
    row(
        "Mutation.setBankAccount",
        "mutation { setBankAccount(input: { bankCode: \"0001\", bankName: \"ﾐｽﾞﾎ\", branchCode: \"001\", branchName: \"ﾄｳｷﾖｳ\", accountType: ORDINARY, accountNumber: \"1234567\", holderKana: \"ﾃｽﾄ\" }) { holderKana } }",
        "/setBankAccount",
        "UOOOOOOOOO",
    ),
    row(
        "Mutation.setCompanyBankAccount",
        "mutation($company: ID!) { setCompanyBankAccount(input: { companyId: $company, consignorCode: \"1234567890\", consignorName: \"ｱｸﾒ\", bankCode: \"0005\", bankName: \"ﾐﾂﾋﾞｼ\", branchCode: \"123\", branchName: \"ﾏﾙﾉｳﾁ\", accountType: ORDINARY, accountNumber: \"7654321\" }) { consignorCode } }",
        "/setCompanyBankAccount",
        "UNFNFFOONN",
    ),
    row(
        "Mutation.createTransferBatch",
        "mutation($company: ID!) { createTransferBatch(input: { companyId: $company, transferDate: \"2099-01-05\" }) { batch { id } } }",
        "/createTransferBatch",
        "UNFNFFFANN",
    ),
    row(
        "Mutation.markTransferBatchPaid",
        "mutation($batch: ID!) { markTransferBatchPaid(input: { batchId: $batch, reference: \"R\" }) { id } }",
        "/markTransferBatchPaid",
        "UNNNNFFANN",
    ),
    row(
        "Mutation.retryPayout",
        "mutation($payout: ID!) { retryPayout(id: $payout) { id } }",
        "/retryPayout",
        "UNNNFFFANN",
    ),
    row(
        "Mutation.fundContract",
        "mutation($contract: ID!) { fundContract(contractId: $contract) { paymentIntentId } }",
        "/fundContract",
        "UNNNFFAANN",
    ),
    row(
        "Mutation.createPayoutOnboardingLink",
        "mutation { createPayoutOnboardingLink { url } }",
        "/createPayoutOnboardingLink",
        "UFOOOFFFFF",
    ),
    row(
        "Mutation.setCompanyPaymentProvider",
        "mutation($company: ID!) { setCompanyPaymentProvider(input: { companyId: $company, provider: STRIPE }) { id } }",
        "/setCompanyPaymentProvider",
        "UNFNFFOFNN",
    ),
    row(
        "Mutation.updateProject",
        "mutation($open: ID!) { updateProject(input: { id: $open, title: \"Edited\" }) { id } }",
        "/updateProject",
        "UNFNFAAFNN",
    ),
    row(
        "Mutation.rejectBid",
        "mutation($bidToReject: ID!) { rejectBid(input: { id: $bidToReject, reason: \"No\" }) { id } }",
        "/rejectBid",
        "UNNNFAAFNN",
    ),
    row(
        "Mutation.removeAlumni",
        "mutation($company: ID!, $alumLeaver: String!) { removeAlumni(input: { companyId: $company, emails: [$alumLeaver] }) { id } }",
        "/removeAlumni",
        "UNFNFFOFNN",
    ),
    row(
        "Mutation.removeCompanyMember",
        "mutation($company: ID!, $staffLeaver: String!) { removeCompanyMember(input: { companyId: $company, email: $staffLeaver }) { id } }",
        "/removeCompanyMember",
        "UNFNFFOFNN",
    ),
    row(
        "Mutation.requestEndReason",
        "mutation($endable: ID!) { requestEndReason(contractId: $endable) { id } }",
        "/requestEndReason",
        "UNNNAFFFNN",
    ),
    row(
        "Mutation.endContract",
        "mutation($endable: ID!) { endContract(input: { contractId: $endable, reason: \"R\" }) { id } }",
        "/endContract",
        "UNNNAAAFNN",
    ),
    row(
        "Mutation.submitReview",
        "mutation($reviewable: ID!) { submitReview(input: { contractId: $reviewable, rating: 4, comment: \"C\" }) { id } }",
        "/submitReview",
        "UNNNAAAFNN",
    ),
    row(
        "Mutation.postNews",
        "mutation($company: ID!) { postNews(input: { companyId: $company, title: \"T\", body: \"B\", category: OTHER, pinned: false }) { id } }",
        "/postNews",
        "UNFNFOOFNN",
    ),
    row(
        "Mutation.publishOpening",
        "mutation($company: ID!) { publishOpening(input: { companyId: $company, title: \"T\", department: \"D\", employmentType: CONTRACT, location: \"L\", remote: false, description: \"D\" }) { id } }",
        "/publishOpening",
        "UNFNFOOFNN",
    ),
    row(
        "Mutation.closeOpening",
        "mutation($closableOpening: ID!) { closeOpening(id: $closableOpening) { id } }",
        "/closeOpening",
        "UNFNNAAFNN",
    ),
    row(
        "Mutation.applyToOpening",
        "mutation($opening: ID!) { applyToOpening(input: { openingId: $opening }) { id } }",
        "/applyToOpening",
        "UNANNFFFNN",
    ),
    row(
        "Mutation.moveApplication",
        "mutation($application: ID!) { moveApplication(input: { applicationId: $application, to: SCREENING }) { id } }",
        "/moveApplication",
        "UNFNNAAFNN",
    ),
    row(
        "Mutation.withdrawApplication",
        "mutation($withdrawable: ID!) { withdrawApplication(id: $withdrawable) { id } }",
        "/withdrawApplication",
        "UNANNFFFNN",
    ),
    row(
        "Mutation.updateProfile",
        "mutation { updateProfile(input: { headline: \"H\", bio: \"\", skills: [\"sql\"], languages: [], availability: NOT_NOW, links: [] }) { headline } }",
        "/updateProfile",
        "UOOOOOOOOO",
    ),
    row(
        "Mutation.inviteToBid",
        "mutation($open: ID!, $bidderUser: ID!) { inviteToBid(input: { projectId: $open, userIds: [$bidderUser] }) { id } }",
        "/inviteToBid",
        "UNFNFAAFNN",
    ),
    // Her deletion request takes her off company A's roster: after every other row.
    row(
        "Mutation.requestDeletion",
        "mutation($company: ID!) { requestDeletion(input: { companyId: $company }) { kept { kind } } }",
        "/requestDeletion",
        "UNONONNNNN",
    ),
    row(
        "Mutation.logOut",
        "mutation { logOut }",
        "/logOut",
        "UOOOOOOOOO",
    ),
    row(
        "Mutation.logOutEverywhere",
        "mutation { logOutEverywhere }",
        "/logOutEverywhere",
        "UOOOOOOOOO",
    ),
];

/// Companies A and B; A has an awarded project whose contract has an approved invoice with a
/// pending payout, plus open projects, pending bids and submitted invoices for the mutations.
type World = (
    HashMap<&'static str, Option<String>>,
    HashMap<&'static str, String>,
    HashMap<String, Value>,
);

async fn world(s: &TestServer) -> World {
    let a = company(s, "acme").await;
    let b = company(s, "bank").await;
    let outsider = sign_up(s, "outsider@example.jp").await;
    let alum_a = alumnus(s, &a, "alum-a@alumni.example").await;
    let alum_b = alumnus(s, &b, "alum-b@alumni.example").await;
    let bidder = alumnus(s, &a, "bidder@alumni.example").await;
    sign_up(s, "spare@example.jp").await;

    let project = publish(s, &a.member, &a.id, "100000", "JPY", "COMPANY_ALUMNI").await;
    let accepted = bid_with_milestones(s, &bidder, &project, &["60000", "40000"]).await;
    let contract = accept_with_work_done(s, &a.member, &bidder, &accepted).await;
    let milestone = milestone_ids(s, &bidder, &contract).await.remove(0);
    let worked = publish(s, &a.member, &a.id, "30000", "JPY", "COMPANY_ALUMNI").await;
    let worked = bid_with_milestones(s, &bidder, &worked, &["10000", "10000", "10000"]).await;
    let worked = accept(s, &a.member, &worked).await;
    let worked = milestone_ids(s, &bidder, &worked).await;
    for id in &worked[1..] {
        deliver(s, &bidder, id).await;
    }
    let approved = invoice(s, &bidder, &contract, "40000", "JPY").await;
    let payout = approve(s, &a.finance, &approved).await;
    let submitted = invoice(s, &bidder, &contract, "10000", "JPY").await;
    let rejectable = invoice(s, &bidder, &contract, "10000", "JPY").await;
    let open = publish(s, &a.member, &a.id, "5000", "JPY", "COMPANY_ALUMNI").await;
    let pending = bid(s, &bidder, &open, "4000", "JPY").await;
    let acceptable_project = publish(s, &a.member, &a.id, "5000", "JPY", "COMPANY_ALUMNI").await;
    let acceptable = bid(s, &bidder, &acceptable_project, "4000", "JPY").await;
    let closable = publish(s, &a.member, &a.id, "5000", "JPY", "COMPANY_ALUMNI").await;
    let rejectable_project = publish(s, &a.member, &a.id, "5000", "JPY", "COMPANY_ALUMNI").await;
    let bid_to_reject = bid(s, &bidder, &rejectable_project, "4000", "JPY").await;
    // Who leaves in the removal rows: a member with an account, a roster entry without one.
    let staff_leaver = sign_up(s, "leaver@example.jp").await;
    add_member(s, &a.admin, &a.id, &staff_leaver.email, "MEMBER").await;
    add_alumni(s, &a, &["leaving@alumni.example"]).await;
    let endable_project = publish(s, &a.member, &a.id, "5000", "JPY", "COMPANY_ALUMNI").await;
    let endable_bid = bid(s, &bidder, &endable_project, "5000", "JPY").await;
    let endable = accept(s, &a.member, &endable_bid).await;
    // A contract paid in full, which the company has reviewed already (the freelancer has not:
    // double-blind, they do not see it yet).
    let reviewable_project = publish(s, &a.member, &a.id, "3000", "JPY", "COMPANY_ALUMNI").await;
    let reviewable_bid = bid(s, &bidder, &reviewable_project, "3000", "JPY").await;
    let reviewable = accept_with_work_done(s, &a.member, &bidder, &reviewable_bid).await;
    let reviewable_invoice = invoice(s, &bidder, &reviewable, "3000", "JPY").await;
    let reviewable_payout = approve(s, &a.finance, &reviewable_invoice).await;
    mark_paid(s, &a.finance, &reviewable_payout, "BANK-R").await;
    // The bidder's bank account, the company's paying account, and a downloaded file.
    s.ok(
        bidder.token(),
        crate::bank::SET_BANK,
        json!({ "input": crate::bank::bank_input("ﾋﾞﾂﾀﾞ-") }),
    )
    .await;
    s.ok(
        a.admin.token(),
        crate::bank::SET_COMPANY_BANK,
        json!({ "input": crate::bank::company_bank_input(&a.id) }),
    )
    .await;
    let batch = s
        .ok(
            a.finance.token(),
            crate::bank::CREATE_BATCH,
            json!({ "input": { "companyId": a.id, "transferDate": "2099-01-05", "payoutIds": [payout] } }),
        )
        .await["createTransferBatch"]["batch"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    s.ok(
        a.admin.token(),
        REVIEW,
        review_input(&reviewable, 5, "Great", Some(true)),
    )
    .await;
    // The bidder lets company A list her in its directory (the alumna alumA has not).
    s.ok(
        bidder.token(),
        "mutation($c: ID!) { grantConsent(input: { companyId: $c, purpose: DIRECTORY }) { id } }",
        json!({ "c": a.id }),
    )
    .await;
    s.ok(
        bidder.token(),
        "mutation { updateProfile(input: { headline: \"Analyst\", bio: \"B\", skills: [\"sql\"], languages: [], availability: OPEN_TO_SIDE_JOBS, links: [] }) { headline } }",
        json!({}),
    )
    .await;

    let line = s
        .ok(
            a.finance.token(),
            "query($id: ID!) { invoice(id: $id) { lines { id } } }",
            json!({ "id": submitted }),
        )
        .await["invoice"]["lines"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let (event, _invited, declinable, honorarium) =
        crate::events::authorization_world(s, &a, &alum_a).await;
    let network = crate::news_rehire::matrix_world(s, &a, &alum_a).await;

    let emails = HashMap::from([
        ("outsider", outsider.email.clone()),
        ("alumA", alum_a.email.clone()),
        ("alumB", alum_b.email.clone()),
        ("bidder", bidder.email.clone()),
        ("memberA", a.member.email.clone()),
        ("adminA", a.admin.email.clone()),
        ("financeA", a.finance.email.clone()),
        ("adminB", b.admin.email.clone()),
        ("financeB", b.finance.email.clone()),
    ]);
    let tokens = HashMap::from([
        ("anon", None),
        ("outsider", Some(outsider.token.clone())),
        ("alumA", Some(alum_a.token)),
        ("alumB", Some(alum_b.token)),
        ("bidder", Some(bidder.token)),
        ("memberA", Some(a.member.token)),
        ("adminA", Some(a.admin.token)),
        ("financeA", Some(a.finance.token)),
        ("adminB", Some(b.admin.token)),
        ("financeB", Some(b.finance.token)),
    ]);
    let ids = [
        ("company", a.id),
        ("project", project),
        ("bid", accepted),
        ("contract", contract),
        ("invoice", approved),
        ("payout", payout),
        ("batch", batch),
        ("submitted", submitted),
        ("line", line),
        ("rejectable", rejectable),
        ("open", open),
        ("pending", pending),
        ("acceptable", acceptable),
        ("closable", closable),
        ("endable", endable),
        ("reviewable", reviewable),
        ("milestone", milestone),
        ("deliverable", worked[0].clone()),
        ("changeable", worked[1].clone()),
        ("acceptableDelivery", worked[2].clone()),
        ("spareEmail", "spare@example.jp".to_string()),
        ("bidToReject", bid_to_reject),
        ("staffLeaver", staff_leaver.email),
        ("alumLeaver", "leaving@alumni.example".to_string()),
        ("bidderUser", bidder.id.clone()),
        ("event", event),
        ("declinable", declinable),
        ("honorarium", honorarium),
        ("alumAUser", alum_a.id.clone()),
    ];
    (
        tokens,
        emails,
        ids.into_iter()
            .chain(network)
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect(),
    )
}

fn outcome(body: &Value, path: &str) -> char {
    match error_code(body).as_deref() {
        Some("UNAUTHENTICATED") => return 'U',
        Some("FORBIDDEN") => return 'F',
        Some("NOT_FOUND") => return 'N',
        Some("CONFLICT" | "BAD_USER_INPUT") => return 'A',
        Some(other) => panic!("unexpected error {other}: {body}"),
        None => {}
    }
    let value = body["data"].pointer(path).cloned().unwrap_or(Value::Null);
    let empty = match &value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map
            .get("edges")
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty),
        _ => false,
    };
    if empty { 'E' } else { 'O' }
}

/// `A` accepts a success too: a state error merely means the state moved on.
fn matches(expected: char, actual: char) -> bool {
    expected == actual || (expected == 'A' && actual == 'O')
}

#[tokio::test]
async fn every_actor_gets_exactly_what_the_matrix_allows() {
    let mock = StripeMock::start().await;
    let base = mock.base.clone();
    let s = TestServer::start_configured(TestDb::new().await, |c| {
        c.stripe_secret_key = Some(Secret::new("sk_test_matrix"));
        c.stripe_api_base = Some(base);
        c.worker = false;
    })
    .await;
    let (tokens, emails, ids) = world(&s).await;
    let mut failures = Vec::new();
    for row in ROWS {
        assert_eq!(row.expect.len(), ACTORS.len(), "{}", row.name);
        for (actor, expected) in ACTORS.iter().zip(row.expect.chars()) {
            let mut variables = serde_json::Map::new();
            for (name, value) in &ids {
                if row.query.contains(&format!("${name}")) {
                    variables.insert(name.clone(), value.clone());
                }
            }
            if row.query.contains("$email") {
                variables.insert(
                    "email".into(),
                    json!(format!("matrix-{actor}@example.jp").to_lowercase()),
                );
            }
            // Rows that end sessions run on a fresh one, so later rows keep theirs.
            let fresh = match emails.get(actor) {
                Some(email) if row.name.starts_with("Mutation.logOut") => {
                    let session = s
                        .ok(None, "mutation($e: String!, $p: String!) { logIn(input: { email: $e, password: $p }) { token } }", json!({ "e": email, "p": PASSWORD }))
                        .await;
                    session["logIn"]["token"].as_str().map(str::to_string)
                }
                _ => None,
            };
            let token = fresh.as_deref().or(tokens[actor].as_deref());
            let body = s.gql(token, row.query, Value::Object(variables)).await;
            let actual = outcome(&body, row.path);
            if !matches(expected, actual) {
                failures.push(format!(
                    "{} as {actor}: expected {expected}, got {actual}: {body}",
                    row.name
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} cells differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    s.finish().await;
}

/// Object types that hold tenant data, whose list and connection edges need rows.
const TENANT_TYPES: [&str; 10] = [
    "User",
    "Company",
    "CompanyMember",
    "Project",
    "Bid",
    "Contract",
    "Invoice",
    "Payout",
    "Milestone",
    "TransferBatch",
];

#[tokio::test]
async fn every_operation_and_tenant_edge_has_a_row() {
    let s = TestServer::start().await;
    let schema = s
        .ok(None, "{ __schema { types { name kind fields { name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }", json!({}))
        .await;
    let covered: BTreeSet<&str> = ROWS
        .iter()
        .map(|r| r.name.split(' ').next().unwrap_or(r.name))
        .collect();
    let mut missing = Vec::new();
    for ty in schema["__schema"]["types"].as_array().unwrap() {
        let type_name = ty["name"].as_str().unwrap();
        let Some(fields) = ty["fields"].as_array() else {
            continue;
        };
        for field in fields {
            let name = format!("{type_name}.{}", field["name"].as_str().unwrap());
            let needs_row = match type_name {
                "Query" | "Mutation" => true,
                t if TENANT_TYPES.contains(&t) => {
                    // A list, a connection, or a field that only its owner may read.
                    let text = field["type"].to_string();
                    (text.contains("\"LIST\"") && text.contains("\"OBJECT\""))
                        || text.contains("Connection")
                        || [
                            "User.email",
                            "User.payoutAccount",
                            "User.bankAccount",
                            "User.emailVerified",
                            "User.payeeProfile",
                            "User.consents",
                            "User.notifications",
                            "User.unreadNotificationCount",
                            "Company.bankAccount",
                        ]
                        .contains(&name.as_str())
                }
                _ => false,
            };
            if needs_row && !covered.contains(name.as_str()) {
                missing.push(name);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "add authorization-matrix rows for: {missing:?}"
    );
    s.finish().await;
}
