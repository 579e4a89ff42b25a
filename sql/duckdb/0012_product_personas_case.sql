-- Case view of the product-persona layer: one row per current contact and product its account holds or pursues
-- (a model is trained once per product, on that product's rows), with the contact's features.
-- Never edit after release. The SQL Server twin is sql/sqlserver/0012_*.sql.
CREATE VIEW mining.vProductPersonasCase AS
SELECT p.ContactId, p.Product, p.AccountId, p.Relation,
       f.JobRole, f.Seniority, f.Department, f.IsDecisionMaker,
       f.Activities12m, f.Emails12m, f.Calls12m, f.Meetings12m, f.Webinars12m, f.SupportTickets12m,
       f.Opportunities12m, f.DecisionMakerRoles12m, f.EconomicBuyerRoles12m, f.InfluencerRoles12m, f.ChampionRoles12m,
       f.UserRoles12m, f.OtherRoles12m, f.Goal, f.Challenge, f.Channel
FROM dw.ContactProduct p
JOIN dw.ContactFeatures f ON f.ContactId = p.ContactId
WHERE p.Relation IN ('Holds', 'Pursues');
