#!/usr/bin/env bash
# The README's walk-through as one script: from an empty database to a PAID invoice.
# Start the server first (`cargo run --release`), then: bash examples/walkthrough.sh
# Needs curl and jq. BOOMERANG_URL defaults to http://127.0.0.1:8080.
set -euo pipefail
URL="${BOOMERANG_URL:-http://127.0.0.1:8080}/graphql"
RUN="$RANDOM$RANDOM" # unique emails, so the script can run again on the same database

# gql TOKEN QUERY [VARIABLES] — prints `data`, or the errors and fails.
gql() {
  local auth=() body
  [ -n "$1" ] && auth=(-H "Authorization: Bearer $1")
  body=$(curl -sS "$URL" -H 'Content-Type: application/json' "${auth[@]}" \
    -d "$(jq -n --arg q "$2" --argjson v "${3:-{\}}" '{query: $q, variables: $v}')")
  if [ "$(jq 'has("errors")' <<<"$body")" = true ]; then echo "$body" >&2; return 1; fi
  jq -c .data <<<"$body"
}
signup() { # email name -> token
  gql "" 'mutation($i: SignUpInput!) { signUp(input: $i) { token } }' \
    "{\"i\": {\"email\": \"$1\", \"password\": \"correct horse battery staple\", \"displayName\": \"$2\"}}" | jq -r .signUp.token
}

# 1. Staff of a bank sign up; the admin creates the company and adds a finance colleague.
ADMIN=$(signup "admin-$RUN@bank.example" "Aiko (admin)")
FINANCE=$(signup "finance-$RUN@bank.example" "Fumio (finance)")
COMPANY=$(gql "$ADMIN" 'mutation { createCompany(input: {name: "Sakura Bank"}) { id } }' | jq -r .createCompany.id)
gql "$ADMIN" 'mutation($c: ID!, $e: String!) { addCompanyMember(input: {companyId: $c, email: $e, role: FINANCE}) { role } }' \
  "{\"c\": \"$COMPANY\", \"e\": \"finance-$RUN@bank.example\"}"

# 2. The admin uploads the alumni roster; a former employee signs up and is recognised.
gql "$ADMIN" 'mutation($c: ID!, $e: [String!]!) { addAlumni(input: {companyId: $c, emails: $e}) { email } }' \
  "{\"c\": \"$COMPANY\", \"e\": [\"hanako-$RUN@alumni.example\"]}"
ALUMNA=$(signup "hanako-$RUN@alumni.example" "Hanako")
gql "$ALUMNA" '{ viewer { displayName alumniOf { name } } }'

# 3. The admin publishes a project for the bank's alumni.
PROJECT=$(gql "$ADMIN" 'mutation($c: ID!) { publishProject(input: {companyId: $c, title: "Churn analysis",
    description: "Model churn drivers from two years of account data.", category: DATA_ANALYSIS,
    skills: ["SQL", "Python"], budget: {amount: "300000", currencyCode: JPY}, visibility: COMPANY_ALUMNI}) { id } }' \
  "{\"c\": \"$COMPANY\"}" | jq -r .publishProject.id)

# 4. The alumna bids in two milestones; the admin accepts the bid into a contract, which gets
#    those milestones.
BID=$(gql "$ALUMNA" 'mutation($p: ID!) { placeBid(input: {projectId: $p, amount: {amount: "280000", currencyCode: JPY},
    deliveryDays: 21, proposal: "I built the first churn model here in 2019.",
    milestones: [{title: "Data audit", amount: {amount: "80000", currencyCode: JPY}},
                 {title: "Churn model and report", amount: {amount: "200000", currencyCode: JPY}}]}) { id status } }' \
  "{\"p\": \"$PROJECT\"}" | jq -r .placeBid.id)
CONTRACT=$(gql "$ADMIN" 'mutation($b: ID!) { acceptBid(id: $b) { id status amount { amount currencyCode } } }' \
  "{\"b\": \"$BID\"}" | jq -r .acceptBid.id)
MILESTONES=$(gql "$ALUMNA" 'query($c: ID!) { contract(id: $c) { milestones { id title status } } }' "{\"c\": \"$CONTRACT\"}")
echo "$MILESTONES"

# 5. The alumna delivers each milestone; the admin asks for a change once, then accepts.
for M in $(jq -r '.contract.milestones[].id' <<<"$MILESTONES"); do
  gql "$ALUMNA" 'mutation($m: ID!) { submitDelivery(input: {milestoneId: $m, note: "Delivered: see the shared folder.",
      links: ["https://drive.example.jp/churn"]}) { status autoAcceptAt } }' "{\"m\": \"$M\"}"
  if [ "$M" = "$(jq -r '.contract.milestones[0].id' <<<"$MILESTONES")" ]; then
    gql "$ADMIN" 'mutation($m: ID!) { requestChanges(input: {milestoneId: $m, reason: "Please include the 2023 accounts."}) { status } }' \
      "{\"m\": \"$M\"}"
    gql "$ALUMNA" 'mutation($m: ID!) { submitDelivery(input: {milestoneId: $m, note: "2023 accounts added."}) { status } }' \
      "{\"m\": \"$M\"}"
  fi
  gql "$ADMIN" 'mutation($m: ID!) { acceptDelivery(milestoneId: $m) { status acceptedAt } }' "{\"m\": \"$M\"}"
done

# 6. The alumna invoices the accepted work; finance finds it in the queue and approves it.
INVOICE=$(gql "$ALUMNA" 'mutation($c: ID!) { submitInvoice(input: {contractId: $c, amount: {amount: "280000", currencyCode: JPY},
    description: "Churn model and report"}) { id status } }' "{\"c\": \"$CONTRACT\"}" | jq -r .submitInvoice.id)
gql "$FINANCE" 'query($c: ID!) { invoices(filter: {companyId: $c, status: SUBMITTED}) { edges { node { id amount { amount } } } } }' \
  "{\"c\": \"$COMPANY\"}"
PAYOUT=$(gql "$FINANCE" 'mutation($i: ID!) { approveInvoice(id: $i) { status payout { id status } } }' \
  "{\"i\": \"$INVOICE\"}" | jq -r .approveInvoice.payout.id)

# 7. Finance pays by bank transfer and records it: the invoice is PAID, so are the milestones,
#    and the contract is COMPLETED.
gql "$FINANCE" 'mutation($p: ID!) { markPayoutPaid(input: {payoutId: $p, reference: "SAKURA-TRF-0001"}) { status reference } }' \
  "{\"p\": \"$PAYOUT\"}"
RESULT=$(gql "$ALUMNA" 'query($c: ID!) { contract(id: $c) { status paidAmount { amount }
    milestones { status } invoices { edges { node { status payout { status reference } } } } auditTrail { action } } }' "{\"c\": \"$CONTRACT\"}")
echo "$RESULT"
[ "$(jq -r '.contract.invoices.edges[0].node.status' <<<"$RESULT")" = PAID ]
[ "$(jq -r '.contract.status' <<<"$RESULT")" = COMPLETED ]
[ "$(jq -r '[.contract.milestones[].status] | unique | join(",")' <<<"$RESULT")" = PAID ]

# 7. Both sides review the completed contract. Double-blind: neither sees the other's review
#    until both have written one; the bank's rehire signal stays with its staff.
gql "$ADMIN" 'mutation($c: ID!) { submitReview(input: {contractId: $c, rating: 5,
    comment: "Clear model, well explained to the branch managers.", wouldRehire: true}) { side rating } }' "{\"c\": \"$CONTRACT\"}"
gql "$ALUMNA" 'mutation($c: ID!) { submitReview(input: {contractId: $c, rating: 4,
    comment: "Good data access; quick answers."}) { side rating } }' "{\"c\": \"$CONTRACT\"}"
REVIEWS=$(gql "$ALUMNA" 'query($c: ID!) { contract(id: $c) { reviews { side rating wouldRehire }
    freelancer { rating { average count } } } }' "{\"c\": \"$CONTRACT\"}")
echo "$REVIEWS"
[ "$(jq -r '.contract.reviews | length' <<<"$REVIEWS")" = 2 ]
[ "$(jq -r '.contract.reviews[0].wouldRehire' <<<"$REVIEWS")" = null ]
[ "$(jq -r '.contract.freelancer.rating.count' <<<"$REVIEWS")" = 1 ]
echo "walk-through complete: milestones delivered, accepted and PAID, invoice PAID, contract COMPLETED, both sides reviewed"
