use sea_orm::DatabaseConnection;

#[test]
fn schema_graphql_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql");
    let committed = std::fs::read_to_string(path).expect("reading schema.graphql");
    let generated = boomerang::graphql::sdl(&boomerang::graphql::build_schema(
        DatabaseConnection::default(),
        boomerang::graphql::ApiConfig::default(),
    ));
    assert!(
        committed == generated,
        "schema.graphql is out of date; regenerate it with `cargo run -- schema > schema.graphql`"
    );
}

#[test]
fn the_public_contract_names_are_in_the_schema() {
    let sdl = boomerang::graphql::sdl(&boomerang::graphql::build_schema(
        DatabaseConnection::default(),
        boomerang::graphql::ApiConfig::default(),
    ));
    for name in [
        "signUp(input: SignUpInput!): AuthPayload!",
        "logIn(input: LogInInput!): AuthPayload!",
        "viewer: User",
        "createCompany(input: CreateCompanyInput!): Company!",
        "addCompanyMember(input: AddCompanyMemberInput!): CompanyMember!",
        "addAlumni(input: AddAlumniInput!): [AlumniRecord!]!",
        "publishProject(input: PublishProjectInput!): Project!",
        "closeProject(id: ID!): Project!",
        "project(id: ID!): Project",
        "placeBid(input: PlaceBidInput!): Bid!",
        "withdrawBid(id: ID!): Bid!",
        "acceptBid(id: ID!): Contract!",
        "submitInvoice(input: SubmitInvoiceInput!): Invoice!",
        "approveInvoice(id: ID!): Invoice!",
        "rejectInvoice(input: RejectInvoiceInput!): Invoice!",
        "markPayoutPaid(input: MarkPayoutPaidInput!): Payout!",
        "enum CompanyRole",
        "enum ProjectVisibility",
        "interface Node",
        "scalar Decimal",
    ] {
        assert!(sdl.contains(name), "the schema lacks {name:?}");
    }
}
