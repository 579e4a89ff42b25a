namespace SegmentMiner.Core;

/// <summary>The value types of the source contract (see the README, "Source contract").</summary>
public enum SourceValueType
{
    Text,
    Date,
    Timestamp,
    Decimal,
    Boolean,
}

/// <summary>One column of a source entity.</summary>
public sealed record ColumnSpec(string Name, SourceValueType Type, bool Required, IReadOnlyList<string>? Allowed = null);

/// <summary>
/// One source entity as the contract defines it: where its files live, its key, its columns, the entities its
/// columns refer to, which columns carry money to convert into the reporting currency and which date picks the fx
/// rate.
/// </summary>
public sealed record EntitySpec(
    string Name,
    string Folder,
    IReadOnlyList<string> Key,
    IReadOnlyList<ColumnSpec> Columns,
    string StagingTable,
    IReadOnlyList<EntityReference> References,
    IReadOnlyList<string> MoneyColumns,
    string? FxDateColumn)
{
    public bool HasModifiedAt => Columns.Any(c => c.Name == "ModifiedAt");

    public ColumnSpec Column(string name) => Columns.First(c => c.Name == name);
}

/// <summary>
/// A column that names a row of another entity (AccountId an account): a row whose value no staged version of that
/// entity has is rejected as "unknown &lt;Word&gt; value"; an empty optional value refers to nothing.
/// </summary>
public sealed record EntityReference(string Column, string StagingTable, string Word)
{
    public static readonly EntityReference Account = new("AccountId", "Account", "account");
    public static readonly EntityReference Contact = new("ContactId", "Contact", "contact");
    public static readonly EntityReference Opportunity = new("OpportunityId", "Opportunity", "opportunity");
}

/// <summary>The entities SyncService reads, in the order a batch loads them (fx rates and accounts first, so later rows can refer to them).</summary>
public static class SourceEntities
{
    public static readonly string[] EmployeeBands = ["1-10", "11-50", "51-200", "201-1000", "1001-5000", "5000+"];
    public static readonly string[] Seniorities = ["Junior", "Mid", "Senior", "Director", "VP", "C-level"];
    public static readonly string[] Stages = ["Prospecting", "Qualification", "Proposal", "Negotiation", "ClosedWon", "ClosedLost"];
    public static readonly string[] SubscriptionStatuses = ["Trial", "Active", "PastDue", "Cancelled"];
    public static readonly string[] InvoiceStatuses = ["Open", "Paid", "Void", "WrittenOff"];

    private static ColumnSpec T(string n, bool req = false, string[]? allowed = null) => new(n, SourceValueType.Text, req, allowed);
    private static ColumnSpec D(string n, bool req = false) => new(n, SourceValueType.Date, req);
    private static ColumnSpec Ts(string n, bool req = false) => new(n, SourceValueType.Timestamp, req);
    private static ColumnSpec M(string n, bool req = false) => new(n, SourceValueType.Decimal, req);
    private static ColumnSpec B(string n, bool req = false) => new(n, SourceValueType.Boolean, req);

    public static readonly EntitySpec FxRates = new("fx_rates", "billing", ["Currency", "Date"],
        [T("Currency", true), D("Date", true), M("Rate", true)], "FxRate", [], [], null);

    public static readonly EntitySpec Accounts = new("accounts", "crm", ["AccountId"],
        [T("AccountId", true), T("Name", true), T("Industry", true), T("Country", true), T("Region"),
         T("EmployeeBand", true, EmployeeBands), T("AnnualRevenueBand"), Ts("CreatedAt", true), Ts("ModifiedAt", true), B("IsDeleted")],
        "Account", [], [], null);

    public static readonly EntitySpec Contacts = new("contacts", "crm", ["ContactId"],
        [T("ContactId", true), T("AccountId", true), T("JobRole"), T("Seniority", false, Seniorities), T("Department"),
         B("IsDecisionMaker"), Ts("CreatedAt", true), Ts("ModifiedAt", true), B("IsDeleted")],
        "Contact", [EntityReference.Account], [], null);

    public static readonly EntitySpec Opportunities = new("opportunities", "crm", ["OpportunityId"],
        [T("OpportunityId", true), T("AccountId", true), T("Product", true), T("Stage", true, Stages), M("Amount", true),
         T("Currency"), Ts("CreatedAt", true), D("CloseDate"), Ts("ModifiedAt", true), B("IsDeleted")],
        "Opportunity", [EntityReference.Account], ["Amount"], "CreatedAt");

    /// <summary>Who was in which deal, in what role (optional; the buying unit of an account).</summary>
    public static readonly EntitySpec OpportunityContacts = new("opportunity_contacts", "crm", ["OpportunityId", "ContactId"],
        [T("OpportunityId", true), T("ContactId", true), T("Role", true), Ts("ModifiedAt", true), B("IsDeleted")],
        "OpportunityContact", [EntityReference.Opportunity, EntityReference.Contact], [], null);

    public static readonly EntitySpec Activities = new("activities", "crm", ["ActivityId"],
        [T("ActivityId", true), T("AccountId", true), T("Type", true), Ts("OccurredAt", true), Ts("ModifiedAt", true), B("IsDeleted"), T("ContactId")],
        "Activity", [EntityReference.Account, EntityReference.Contact], [], null);

    public static readonly EntitySpec Subscriptions = new("subscriptions", "billing", ["SubscriptionId"],
        [T("SubscriptionId", true), T("AccountId", true), T("Product", true), T("Plan"), D("StartDate", true), D("EndDate"),
         M("Mrr", true), T("Currency"), T("Status", true, SubscriptionStatuses), Ts("ModifiedAt", true), B("IsDeleted")],
        "Subscription", [EntityReference.Account], ["Mrr"], "StartDate");

    public static readonly EntitySpec Invoices = new("invoices", "billing", ["InvoiceId"],
        [T("InvoiceId", true), T("AccountId", true), T("SubscriptionId"), D("InvoiceDate", true), D("DueDate", true), D("PaidDate"),
         M("Amount", true), T("Currency"), T("Status", true, InvoiceStatuses), Ts("ModifiedAt", true), B("IsDeleted")],
        "Invoice", [EntityReference.Account], ["Amount"], "InvoiceDate");

    public static readonly EntitySpec Responses = new("responses", "survey", ["ResponseId"],
        [T("ResponseId", true), T("AccountId", true), Ts("RespondedAt", true), T("Question", true), T("Answer", true),
         Ts("ModifiedAt", true), B("IsDeleted"), T("ContactId")],
        "SurveyResponse", [EntityReference.Account, EntityReference.Contact], [], null);

    /// <summary>Load order.</summary>
    public static readonly IReadOnlyList<EntitySpec> InLoadOrder =
        [FxRates, Accounts, Contacts, Opportunities, OpportunityContacts, Activities, Subscriptions, Invoices, Responses];

    public static IEnumerable<string> All => InLoadOrder.Select(e => e.Name);

    public static bool IsKnown(string name) => InLoadOrder.Any(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));

    public static EntitySpec Get(string name) =>
        InLoadOrder.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown entity '{name}'", nameof(name));

    /// <summary>The entity a file belongs to: the one its name starts with, or null.</summary>
    public static EntitySpec? ForFile(string folder, string fileName) =>
        InLoadOrder.FirstOrDefault(e => e.Folder == folder && fileName.StartsWith(e.Name, StringComparison.OrdinalIgnoreCase));
}
